package io.homeostat.bench;

import io.homeostat.service.kafka.KafkaRecords;
import io.homeostat.service.kafka.Partitioning;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;

/**
 * (l) intake.mode: kafka on this machine: a Kafka broker (KRaft) in this JVM, replicas in this JVM on
 * one PostgreSQL schema each run (the local {@code test} database), six partitions.
 * <ul>
 *   <li>the broker's own cost: the same records produced (idempotent, acks=all) and consumed by plain
 *       clients, no engine: the ceiling, and the CPU it takes;</li>
 *   <li>1, 2 and 3 replicas: the records produced straight to the topic once the group has assigned
 *       every partition, timed until the replicas' engines have evaluated them all; each as a ratio to
 *       one replica, all in the same run;</li>
 *   <li>the HTTP path: the same batches POSTed (2 senders, 1,000 a batch) to one replica with embedded
 *       intake and to one with Kafka intake (202 only once the broker acknowledged), timed until
 *       evaluated.</li>
 * </ul>
 * Everything shares this machine's cores (and the replicas one JVM's heap), so the figures say what
 * more replicas give here, not on machines of their own; the CPU seconds say where the time goes.
 */
final class KafkaBench {
    private static final String POSTGRES = System.getProperty("bench.postgres", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final int PARTITIONS = 6;
    private static final int ROUNDS = 3;

    private KafkaBench() {
    }

    static void run(Path rules, Path plugins, Path work, int signals, int resources) throws Exception {
        try (KafkaClusterTestKit broker = KafkaSandbox.start()) {
            List<SignalMix.Reading> readings = SignalMix.generate(signals, resources, 21);
            System.out.printf("(l) Kafka: %,d signals over %,d resources, %d partitions, a KRaft broker and the replicas in this JVM, %d cores%n",
                    signals, resources, PARTITIONS, Runtime.getRuntime().availableProcessors());

            long cpu = cpuNanos();
            long start = System.nanoTime();
            produce(broker.bootstrapServers(), "bench-broker", readings);
            double produced = signals / ((System.nanoTime() - start) / 1e9);
            double consumed = consumeAll(broker.bootstrapServers(), "bench-broker", signals);
            System.out.printf("    the broker alone, no engine: produce (idempotent, acks=all) %,10.0f records/s, consume %,10.0f records/s, "
                    + "%.1f CPU s for both%n", produced, consumed, (cpuNanos() - cpu) / 1e9);

            // A first pass warms the JIT up (discarded); then the three sizes in turn, round by round, so that a slow
            // spell of this shared machine hits all of them; medians.
            replicas(rules, plugins, work, broker.bootstrapServers(), 1, 0, readings);
            double[][] rates = new double[4][ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                for (int replicas = 1; replicas <= 3; replicas++) {
                    rates[replicas][round] = replicas(rules, plugins, work, broker.bootstrapServers(), replicas, round + 1, readings);
                }
            }
            double one = Bench.median(rates[1]);
            for (int replicas = 1; replicas <= 3; replicas++) {
                System.out.printf("    %d replica%s over Kafka (median of %d): %,10.0f signals/s, ratio to one replica %.2f%n", replicas,
                        replicas == 1 ? " " : "s", ROUNDS, Bench.median(rates[replicas]), Bench.median(rates[replicas]) / one);
            }

            List<String> bodies = SignalMix.batches(readings, 1_000);
            double embedded;
            double kafka;
            String schema = schema();
            try (Bench.RunningApp app = Bench.RunningApp.start(work.resolve("http-embedded"), config(work.resolve("http-embedded"), rules,
                    plugins, schema, "e", null, null))) {
                embedded = Bench.endToEnd(app, bodies);
            } finally {
                drop(schema);
            }
            schema = schema();
            try (Bench.RunningApp app = Bench.RunningApp.start(work.resolve("http-kafka"), config(work.resolve("http-kafka"), rules, plugins,
                    schema, "k", broker.bootstrapServers(), "bench-http"))) {
                awaitPartitions(List.of(app));
                kafka = Bench.endToEnd(app, bodies);
            } finally {
                drop(schema);
            }
            System.out.printf("    HTTP -> engine, one replica, PostgreSQL: in-process intake %,10.0f signals/s; HTTP -> Kafka -> engine %,10.0f "
                    + "signals/s; ratio %.2f%n", embedded, kafka, kafka / embedded);
        }
    }

    /** {@code count} replicas on a fresh schema and topic; the records produced once every partition is assigned; signals/s until evaluated. */
    private static double replicas(Path rules, Path plugins, Path work, String bootstrap, int count, int round,
                                   List<SignalMix.Reading> readings) throws Exception {
        String schema = schema();
        String topic = "bench-replicas-" + count + "-" + round;
        List<Bench.RunningApp> apps = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                Path directory = work.resolve("replicas-" + count + "-" + round + "-" + i);
                apps.add(Bench.RunningApp.start(directory, config(directory, rules, plugins, schema, "r" + i, bootstrap, topic)));
            }
            awaitPartitions(apps);
            long cpu = cpuNanos();
            long start = System.nanoTime();
            produce(bootstrap, topic, readings);
            while (apps.stream().mapToLong(Bench.RunningApp::evaluated).sum() < readings.size()) {
                Thread.sleep(5);
            }
            double rate = readings.size() / ((System.nanoTime() - start) / 1e9);
            System.out.printf("    %s %d replica%s: %,10.0f signals/s, %.1f CPU s (broker, producer and replicas)%n",
                    round == 0 ? "warm-up" : "round " + round + ",", count, count == 1 ? " " : "s", rate, (cpuNanos() - cpu) / 1e9);
            return rate;
        } finally {
            for (Bench.RunningApp app : apps) {
                app.close();
            }
            drop(schema);
        }
    }

    private static Map<String, Object> config(Path directory, Path rules, Path plugins, String schema, String replica, String bootstrap,
                                              String topic) {
        Map<String, Object> config = Bench.RunningApp.config(directory, rules, plugins);
        config.put("database", Map.of("driverClass", "org.postgresql.Driver", "url", POSTGRES + "?currentSchema=" + schema,
                "user", "postgres", "password", ""));
        config.put("cluster", Map.of("replicaId", replica));
        config.put("recording", Map.of("enabled", false, "directory", directory.resolve("signals").toAbsolutePath().toString()));
        if (bootstrap != null) {
            config.put("intake", Map.of("mode", "kafka", "kafka", Map.of("bootstrapServers", bootstrap, "topic", topic, "groupId", topic,
                    "partitions", PARTITIONS, "replicationFactor", 1)));
        }
        return config;
    }

    private static void awaitPartitions(List<Bench.RunningApp> apps) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (apps.stream().mapToLong(app -> app.gauge("homeostat.kafka.partitions")).sum() < PARTITIONS) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the group did not assign every partition within a minute");
            }
            Thread.sleep(50);
        }
    }

    /** The records as intake writes them (the service's format and key), through an idempotent producer with acks=all. */
    private static void produce(String bootstrap, String topic, List<SignalMix.Reading> readings) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        props.put("linger.ms", "2");
        props.put("compression.type", "lz4");
        KafkaRecords records = new KafkaRecords(io.dropwizard.jackson.Jackson.newObjectMapper());
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>(readings.size());
            for (SignalMix.Reading reading : readings) {
                sent.add(producer.send(new ProducerRecord<>(topic, Partitioning.key("default", reading.resource()),
                        records.encode(reading.signal(now)))));
            }
            for (Future<RecordMetadata> future : sent) {
                future.get();
            }
        }
    }

    /** Reads {@code count} records with a plain consumer; records/s from the first record read to the last. */
    private static double consumeAll(String bootstrap, String topic, int count) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", "bench-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            int read = 0;
            long first = 0;
            while (read < count) {
                int polled = consumer.poll(Duration.ofMillis(200)).count();
                if (polled > 0 && first == 0) {
                    first = System.nanoTime();
                }
                read += polled;
            }
            return count / ((System.nanoTime() - first) / 1e9);
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String schema() throws Exception {
        String schema = "bench_kafka_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection connection = DriverManager.getConnection(POSTGRES, "postgres", ""); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        return schema;
    }

    private static void drop(String schema) throws Exception {
        try (Connection connection = DriverManager.getConnection(POSTGRES, "postgres", ""); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
