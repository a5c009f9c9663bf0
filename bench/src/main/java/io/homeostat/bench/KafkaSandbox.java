package io.homeostat.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A Kafka broker (KRaft, one combined node) for scripts/kafka-example, from the Kafka jars on Maven
 * Central: no distribution to download. Writes its bootstrap address to the file given and runs until
 * the process is stopped. For trying intake.mode: kafka on one machine, not for production.
 */
public final class KafkaSandbox {
    private KafkaSandbox() {
    }

    /** One broker, started and ready; a group member that dies loses its partitions within seconds. */
    static KafkaClusterTestKit start() throws Exception {
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build());
        builder.setConfigProp("offsets.topic.replication.factor", (short) 1);
        builder.setConfigProp("offsets.topic.num.partitions", 1);
        builder.setConfigProp("group.consumer.min.session.timeout.ms", 2_000);
        builder.setConfigProp("group.consumer.session.timeout.ms", 6_000);
        builder.setConfigProp("group.consumer.min.heartbeat.interval.ms", 300);
        builder.setConfigProp("group.consumer.heartbeat.interval.ms", 500);
        KafkaClusterTestKit broker = builder.build();
        broker.format();
        broker.startup();
        broker.waitForReadyBrokers();
        return broker;
    }

    public static void main(String[] args) throws Exception {
        KafkaClusterTestKit broker = start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.close();
            } catch (Exception e) {
                System.err.println("the broker did not close cleanly: " + e);
            }
        }));
        Files.writeString(Path.of(args[0]), broker.bootstrapServers() + "\n");
        System.out.println("Kafka broker ready at " + broker.bootstrapServers());
        Thread.currentThread().join();
    }
}
