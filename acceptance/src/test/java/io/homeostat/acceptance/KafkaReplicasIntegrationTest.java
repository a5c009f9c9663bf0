package io.homeostat.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three packaged replicas, each its own JVM, with {@code intake.mode: kafka}: a real Kafka broker
 * (KRaft) runs in this test's JVM, the replicas share it and one PostgreSQL schema, nothing else.
 * Under a steady load of signals sent round-robin to the replicas, a managed process (bash, taking
 * 6 s to stop) fails; the replica whose partition holds it starts the restart and is killed with
 * SIGKILL while the old process stops. Its partitions move to the others, another replica reconciles
 * its attempt under the same id, and:
 * <ul>
 *   <li>every signal answered 202 is in the topic (accepted means durable; the only others there were
 *       sent to the dying replica and not answered), and the
 *       group's committed offsets reach the end of every partition: a record's offset is committed
 *       only once it was evaluated and what it produced stored, so every acknowledged signal was
 *       evaluated (the killed replica's uncommitted ones were read again by their new owner);</li>
 *   <li>the process's own start log shows the original and one restart: nothing was doubled.</li>
 * </ul>
 */
class KafkaReplicasIntegrationTest {
    private static final String POSTGRES = System.getProperty("homeostat.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getProperty("homeostat.test.postgres.user", "postgres");
    private static final String TOPIC = "homeostat.signals";
    private static final int PARTITIONS = 6;

    @TempDir
    Path home;

    private final String schema = "hs_kafka_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final String key = PackagedService.newKey();
    private final List<PackagedService> replicas = new ArrayList<>();
    private KafkaClusterTestKit broker;
    private ManagedService managed;

    @BeforeEach
    void start() throws Exception {
        try (Connection connection = DriverManager.getConnection(POSTGRES, USER, ""); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build());
        // A member that dies loses its partitions within seconds.
        builder.setConfigProp("group.consumer.min.session.timeout.ms", 2_000);
        builder.setConfigProp("group.consumer.session.timeout.ms", 4_000);
        builder.setConfigProp("group.consumer.min.heartbeat.interval.ms", 300);
        builder.setConfigProp("group.consumer.heartbeat.interval.ms", 500);
        builder.setConfigProp("offsets.topic.replication.factor", (short) 1);
        builder.setConfigProp("offsets.topic.num.partitions", 1);
        broker = builder.build();
        broker.format();
        broker.startup();
        broker.waitForReadyBrokers();
    }

    @AfterEach
    void stop() throws Exception {
        for (PackagedService replica : replicas) {
            replica.close();
        }
        if (managed != null) {
            managed.killAll();
        }
        if (broker != null) {
            broker.close();
        }
        try (Connection connection = DriverManager.getConnection(POSTGRES, USER, ""); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private PackagedService replica(String id) throws Exception {
        Path replicaHome = Files.createDirectories(home.resolve(id));
        PackagedService replica = new PackagedService(replicaHome, "kafka-replicas/" + id, """
                database:
                  driverClass: org.postgresql.Driver
                  url: "%s?currentSchema=%s"
                  user: %s
                  password: ""
                """.formatted(POSTGRES, schema, USER), key, """
                cluster: {replicaId: %s, leaseTtl: 3s, sweepEvery: 1s, heldBackRetry: 5s}
                intake:
                  mode: kafka
                  kafka: {bootstrapServers: "%s", partitions: %d, replicationFactor: 1}
                """.formatted(id, broker.bootstrapServers(), PARTITIONS) + PackagedService.plugins("""
                    process:
                      resources:
                        "service:managed":
                          command: ["bash", "%1$s/managed.sh"]
                          pidFile: %1$s/managed.pid
                          settleSeconds: 2
                          stopTimeoutSeconds: 20
                """.formatted(home.toAbsolutePath())));
        replicas.add(replica);
        return replica;
    }

    @Test
    void aReplicaKilledUnderLoadMidRestartLosesNoSignalAndDoublesNothing() throws Exception {
        managed = new ManagedService(home, 6);
        managed.startOriginal(home.resolve("managed.pid"));
        Map<String, PackagedService> byId = new HashMap<>();
        Map<String, Process> processes = new HashMap<>();
        for (String id : List.of("a", "b", "c")) {
            PackagedService replica = replica(id);
            processes.put(id, replica.start(id));
            byId.put(id, replica);
        }
        PackagedService.await(Duration.ofSeconds(60), () -> byId.values().stream().mapToInt(r -> (int) metric(r, "homeostat_kafka_partitions")).sum()
                == PARTITIONS, "the group assigned every partition");

        // Every load signal carries its own number (its value), so that the topic can be checked signal by signal.
        AtomicBoolean loading = new AtomicBoolean(true);
        java.util.Set<Long> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.Set<Long> refused = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread load = new Thread(() -> {
            List<PackagedService> targets = List.copyOf(byId.values());
            long number = 0;
            for (int round = 0; loading.get(); round++) {
                List<String> batch = new ArrayList<>();
                List<Long> numbers = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    numbers.add(++number);
                    batch.add(PackagedService.signal("host:load-" + (number % 60), "load.test", number));
                }
                (targets.get(round % targets.size()).signals(batch) == 202 ? acknowledged : refused).addAll(numbers);
            }
        }, "load");
        load.start();
        Thread.sleep(2_000);

        // The service fails; whichever replica's partition holds it decides to restart it.
        List<String> probes = List.of(PackagedService.signal("service:managed", "probe.success", 0),
                PackagedService.signal("service:managed", "probe.success", 0), PackagedService.signal("service:managed", "probe.success", 0));
        assertThat(byId.get("a").signals(probes)).isEqualTo(202);
        PackagedService.await(Duration.ofSeconds(60), () -> managed.exists("stopping.log"), "a restart is stopping the service");
        JsonNode attempt = byId.get("a").get("/api/v1/remediations?resource=service:managed").get("items").get(0);
        String restarter = attempt.get("replicaId").asText();
        long evaluatedByKilled = (long) metric(byId.get(restarter), "homeostat_signals_evaluated_total");
        Process killed = processes.get(restarter);
        killed.destroyForcibly();
        assertThat(killed.waitFor(10, TimeUnit.SECONDS)).isTrue();
        List<PackagedService> survivors = byId.entrySet().stream().filter(e -> !e.getKey().equals(restarter)).map(Map.Entry::getValue).toList();

        PackagedService.await(Duration.ofSeconds(60), () -> survivors.stream().mapToInt(r -> (int) metric(r, "homeostat_kafka_partitions")).sum()
                == PARTITIONS, "the killed replica's partitions moved to the others");
        PackagedService.await(Duration.ofSeconds(90), () -> succeeded(survivors.get(0)) == 1, "another replica completed the restart");
        Thread.sleep(3_000);
        loading.set(false);
        load.join(30_000);

        JsonNode done = survivors.get(0).get("/api/v1/remediations?resource=service:managed").get("items").get(0);
        assertThat(done.get("id").asText()).as("the killed replica's attempt, not a new one").isEqualTo(attempt.get("id").asText());
        assertThat(done.get("message").asText()).startsWith("reconciled after a restart (by replica ");
        assertThat(managed.lines("starts.log")).as("the original and one restart").isEqualTo(2);
        assertThat(managed.alive()).as("the managed service runs once").hasSize(1);

        // Accepted means durable: every signal answered 202 is in the topic. One not answered may be there too (written,
        // then the replica died before it answered: the sender would send it again, at-least-once), but nothing else is.
        java.util.Set<Long> inTopic = loadSignalsInTopic();
        assertThat(inTopic).as("every acknowledged signal is in the topic").containsAll(acknowledged);
        java.util.Set<Long> unanswered = new java.util.HashSet<>(inTopic);
        unanswered.removeAll(acknowledged);
        assertThat(refused).as("what is in the topic without a 202 was sent and not answered").containsAll(unanswered);
        long sent = acknowledged.size();
        PackagedService.await(Duration.ofSeconds(60), () -> committed() == recordsInTopic(),
                "the group committed every partition to its end");
        long evaluated = evaluatedByKilled;
        for (PackagedService survivor : survivors) {
            evaluated += (long) metric(survivor, "homeostat_signals_evaluated_total");
        }
        // The exact count: a record's offset is committed only once it was evaluated and its outputs stored, and offsets
        // are consecutive, so the committed offsets count the records evaluated. The engines' own meters count the
        // killed replica's re-read records twice and miss what it evaluated between the last scrape and the kill.
        System.out.printf("kafka replicas: %d load signals acknowledged, all in the topic (with %d written but not answered when the "
                + "replica died), %d records in the topic, %d committed (evaluated and stored); engines' meters: %d (the killed one's "
                + "as last read); %d refused or unanswered%n", sent, unanswered.size(), recordsInTopic(), committed(), evaluated,
                refused.size());
    }

    private static int succeeded(PackagedService replica) {
        try {
            return replica.get("/api/v1/remediations?resource=service:managed&state=succeeded").get("total").asInt();
        } catch (Exception | AssertionError e) {
            return -1;
        }
    }

    /** The numbers (values) of the load signals in the topic, read from the beginning. */
    private java.util.Set<Long> loadSignalsInTopic() {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("group.id", "counter-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        props.put("enable.auto.commit", "false");
        java.util.Set<Long> numbers = new java.util.HashSet<>();
        java.util.regex.Pattern value = java.util.regex.Pattern.compile("\"value\":([0-9.]+)");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            // Until 3 s pass without a record once the group has assigned the partitions (joining takes a few seconds).
            long quietSince = System.nanoTime();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((consumer.assignment().isEmpty() || System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(3))
                    && System.nanoTime() < deadline) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty() || consumer.assignment().isEmpty()) {
                    quietSince = System.nanoTime();
                }
                for (ConsumerRecord<String, String> record : records) {
                    java.util.regex.Matcher matcher = value.matcher(record.value());
                    if (record.value().contains("\"metric\":\"load.test\"") && matcher.find()) {
                        numbers.add((long) Double.parseDouble(matcher.group(1)));
                    }
                }
            }
        }
        return numbers;
    }

    /** The group's committed offsets, summed over the topic's partitions: the records evaluated and stored. */
    private long committed() {
        try (Admin admin = admin()) {
            long sum = 0;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> entry
                    : admin.listConsumerGroupOffsets("homeostat").partitionsToOffsetAndMetadata().get().entrySet()) {
                if (entry.getKey().topic().equals(TOPIC) && entry.getValue() != null) {
                    sum += entry.getValue().offset();
                }
            }
            return sum;
        } catch (Exception e) {
            return -1;
        }
    }

    /** The end offsets of the topic's partitions, summed: every record written (signals and forwarded reports). */
    private long recordsInTopic() {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(end -> end.offset()).sum();
        } catch (Exception e) {
            return -2;
        }
    }

    private Admin admin() {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        return Admin.create(props);
    }

    /** A sample of the replica's /prometheus page (the first line of that name), or -1 when it cannot be read. */
    private static double metric(PackagedService replica, String name) {
        try {
            String page = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(replica.admin("/prometheus"))).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            return page.lines().filter(line -> line.startsWith(name + " ")).map(line -> Double.parseDouble(line.split(" ")[1]))
                    .findFirst().orElse(-1.0);
        } catch (Exception e) {
            return -1;
        }
    }
}
