package io.homeostat.service.testing;

import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Apache Kafka broker (KRaft, one combined broker and controller) inside the test JVM, from
 * Kafka's own test kit. Group timings are shortened so that a member that leaves or dies loses its
 * partitions within seconds, as the tests measure.
 */
public final class KafkaBroker implements AutoCloseable {
    private final KafkaClusterTestKit cluster;
    private boolean closed;

    private KafkaBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static KafkaBroker start() throws Exception {
        return start(1);
    }

    /** {@code brokers} brokers (the first also the KRaft controller). */
    public static KafkaBroker start(int brokers) throws Exception {
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(brokers).setNumControllerNodes(1).build());
        for (Map.Entry<String, Object> setting : Map.<String, Object>of(
                "group.consumer.min.session.timeout.ms", 2_000,
                "group.consumer.session.timeout.ms", 4_000,
                "group.consumer.min.heartbeat.interval.ms", 300,
                "group.consumer.heartbeat.interval.ms", 500,
                "offsets.topic.replication.factor", (short) 1,
                "offsets.topic.num.partitions", 1,
                "transaction.state.log.replication.factor", (short) 1,
                "transaction.state.log.min.isr", 1,
                "group.initial.rebalance.delay.ms", 0).entrySet()) {
            builder.setConfigProp(setting.getKey(), setting.getValue());
        }
        KafkaClusterTestKit cluster = builder.build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new KafkaBroker(cluster);
    }

    /** Stops one broker (not the controller's node) as a crash would leave its partitions: without it. */
    public void stopBroker(int id) {
        cluster.brokers().get(id).shutdown();
    }

    /** The brokers' ids. */
    public java.util.Set<Integer> brokerIds() {
        return cluster.brokers().keySet();
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Stops the broker (a test of broker loss closes it early; closing again does nothing). */
    @Override
    public synchronized void close() throws Exception {
        if (!closed) {
            closed = true;
            cluster.close();
        }
    }
}
