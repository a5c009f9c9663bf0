package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.Gauge;
import io.homeostat.service.kafka.KafkaRecords;
import io.homeostat.service.kafka.Partitioning;
import io.homeostat.service.kafka.TopicHistory;
import io.homeostat.service.testing.KafkaBroker;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * intake.mode: kafka with a real Kafka broker (KRaft, in this JVM) and two Homeostat replicas that
 * share nothing but it and one PostgreSQL database. Every resource's signals, sent to both replicas,
 * are evaluated by one engine: one issue and one remediation per resource (the plugin's own call log
 * says so), and every signal acknowledged with 202 is evaluated once. A replica that leaves hands its
 * partitions over: the other adopts their open issues from the store and opens none a second time.
 */
class KafkaIntegrationTest {
    private static final int PARTITIONS = 6;
    private static KafkaBroker broker;
    /** A problem only the third reading within the signals' lifetime shows: its window must move with the resource. */
    private static final String WINDOW_RULE = """
            package homeostat.rules;
            import io.homeostat.service.engine.facts.*;

            rule "test: the third window reading opens an issue"
            when
                $s : Signal( metric == "test.window", $t : tenant, $r : resource )
                not Issue( tenant == $t, resource == $r, type == "window.test" )
                Number( intValue >= 3 ) from accumulate( Signal( metric == "test.window", tenant == $t, resource == $r ), count( 1 ) )
            then
                insert( new Issue( $t, $r, "window.test", Severity.LOW, "test", $s.getTime(), drools.getRule().getName(), "window.test" ) );
            end
            """;

    @TempDir
    Path directory;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private TestApp.Builder replica(TestDatabase database, String id, String topic, Path callLog) {
        return TestApp.builder(directory.resolve(id), database).withFaultyPlugin()
                .rule("restart-test.drl", RestartIntegrationTest.RULES)
                .rule("window-test.drl", WINDOW_RULE)
                .pluginSettings("faulty-test", Map.of("callLog", callLog.toString(), "slowMillis", 200))
                .policy("rateLimits", Map.of("perTenantPerMinute", 100, "globalPerHour", 1_000))
                .policy("maxConcurrent", 50)
                .policy("blastRadius", Map.of("maxShare", 1.0))
                .policy("verification", Map.of("deadline", "10m"))
                .cluster("replicaId", id)
                .cluster("leaseTtl", "3s")
                .intake("mode", "kafka")
                .intake("kafka", Map.of("bootstrapServers", broker.bootstrapServers(), "topic", topic, "groupId", topic,
                        "partitions", PARTITIONS, "replicationFactor", 1));
    }

    private static String signal(String tenant, String resource) {
        return signal(tenant, resource, "test.storm");
    }

    private static String signal(String tenant, String resource, String metric) {
        return "{\"tenant\":\"" + tenant + "\",\"resource\":\"" + resource + "\",\"metric\":\"" + metric
                + "\",\"value\":1,\"source\":\"test\"}";
    }

    private static long evaluated(TestApp app) {
        return app.environment().metrics().meter("homeostat.signals.evaluated").getCount();
    }

    private static int partitions(TestApp app) {
        Gauge<?> gauge = app.environment().metrics().getGauges().get("homeostat.kafka.partitions");
        return ((Number) gauge.getValue()).intValue();
    }

    private static int issues(TestApp app) throws Exception {
        return issues(app, "test.storm");
    }

    private static int issues(TestApp app, String type) throws Exception {
        int total = 0;
        for (String tenant : List.of("alpha", "beta", "gamma")) {
            for (com.fasterxml.jackson.databind.JsonNode issue : app.getJson("/api/v1/issues?tenant=" + tenant + "&limit=500").get("items")) {
                total += type.equals(issue.get("type").asText()) ? 1 : 0;
            }
        }
        return total;
    }

    @Test
    void theBrokerPlacesAKeyWhereThePartitioningSaysItIs() throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        String topic = "placement";
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
             org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 7, (short) 1))).all().get();
            for (String resource : List.of("db-1", "web-7", "host:a", "x", "service:payments-api")) {
                int placed = producer.send(new ProducerRecord<>(topic, Partitioning.key("alpha", resource), "v")).get().partition();
                assertThat(placed).as(resource).isEqualTo(Partitioning.partition("alpha", resource, 7));
            }
        }
    }

    @Test
    void theHistoryOfAnAdoptedPartitionIsItsPeriodsSignalsBelowTheCommittedOffsetTheNewestWithinTheLimit() throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        String topic = "history";
        KafkaRecords records = new KafkaRecords(io.dropwizard.jackson.Jackson.newObjectMapper());
        long now = System.currentTimeMillis();
        long since = now - Duration.ofMinutes(15).toMillis();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
             org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1))).all().get();
            List<byte[]> values = new ArrayList<>();
            values.add(records.encode(reading("old", now - Duration.ofMinutes(20).toMillis())));
            values.add(records.encode(reading("r1", now - 4_000)));
            values.add("not a record".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            values.add(records.encode(reading("r2", now - 3_000)));
            values.add(records.encode(reading("r3", now - 2_000)));
            values.add(records.encode(reading("r4", now - 1_000)));
            values.add(records.encode(reading("not evaluated yet", now)));
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(topic, 0, "alpha/db-1", value)).get();
            }
        }
        java.util.function.Supplier<org.apache.kafka.clients.consumer.Consumer<String, byte[]>> consumers = () ->
                new org.apache.kafka.clients.consumer.KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        com.codahale.metrics.Counter incomplete = new com.codahale.metrics.Counter();
        TopicHistory all = new TopicHistory(consumers, topic, records, 100, Duration.ofSeconds(20), incomplete);
        assertThat(all.recent(Map.of(0, 6L), since)).extracting(signal -> signal.getResource())
                .as("the period's signals below the committed offset, in order; the old one, the junk and the unevaluated one not")
                .containsExactly("r1", "r2", "r3", "r4");
        assertThat(new TopicHistory(consumers, topic, records, 2, Duration.ofSeconds(20), incomplete).recent(Map.of(0, 6L), since))
                .extracting(signal -> signal.getResource()).as("the newest records within the limit").containsExactly("r3", "r4");
        assertThat(all.recent(Map.of(0, 0L), since)).as("nothing evaluated yet: nothing to read back").isEmpty();
        assertThat(incomplete.getCount()).isZero();
        // A broker that does not answer in time: the read gives up, says so in the count, and the adoption goes on.
        java.util.function.Supplier<org.apache.kafka.clients.consumer.Consumer<String, byte[]>> unreachable = () -> {
            Properties away = new Properties();
            away.put("bootstrap.servers", "127.0.0.1:9");
            return new org.apache.kafka.clients.consumer.KafkaConsumer<>(away, new StringDeserializer(), new ByteArrayDeserializer());
        };
        assertThat(new TopicHistory(unreachable, topic, records, 100, Duration.ofMillis(500), incomplete).recent(Map.of(0, 6L), since))
                .isEmpty();
        assertThat(incomplete.getCount()).as("homeostat.kafka.history_incomplete").isEqualTo(1);
    }

    private static io.homeostat.service.engine.facts.Signal reading(String resource, long time) {
        return new io.homeostat.service.engine.facts.Signal("alpha", resource, "test.window", 1, time, null, "test", Map.of(), 0);
    }

    @Test
    void withThreeCopiesAndTwoInSyncRequiredOneBrokerLostChangesNothingTwoMakeIntakeAnswer503() throws Exception {
        Path callLog = Files.createDirectories(directory).resolve("calls.log");
        try (KafkaBroker three = KafkaBroker.start(3)) {
            Properties props = new Properties();
            props.put("bootstrap.servers", three.bootstrapServers());
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
                admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("homeostat.signals", 2, (short) 3)
                        .configs(Map.of("min.insync.replicas", "2")))).all().get();
            }
            try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.POSTGRES, directory);
                 TestApp app = TestApp.builder(directory.resolve("a"), database).withFaultyPlugin()
                         .pluginSettings("faulty-test", Map.of("callLog", callLog.toString()))
                         .intake("mode", "kafka")
                         .intake("kafka", Map.of("bootstrapServers", three.bootstrapServers(), "sendTimeout", "3s"))
                         .engine("drainTimeout", "3s")
                         .start()) {
                assertThat(app.signals(signal("alpha", "host:a"), signal("alpha", "host:b")).statusCode()).isEqualTo(202);
                int[] brokers = three.brokerIds().stream().filter(id -> id != 0).mapToInt(Integer::intValue).toArray();
                three.stopBroker(brokers[0]);
                HttpResponse<String> oneLost = app.signals(signal("alpha", "host:a"), signal("alpha", "host:b"));
                assertThat(oneLost.statusCode()).as("two copies still in sync: " + oneLost.body()).isEqualTo(202);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(evaluated(app)).isEqualTo(4));

                three.stopBroker(brokers[1]);
                long started = System.nanoTime();
                HttpResponse<String> twoLost = app.signals(signal("alpha", "host:a"), signal("alpha", "host:b"));
                long tookMillis = (System.nanoTime() - started) / 1_000_000;
                assertThat(twoLost.statusCode()).as("one copy is not durable enough: " + twoLost.body()).isEqualTo(503);
                assertThat(twoLost.body()).contains("the Kafka brokers did not acknowledge the signals within 3000 ms")
                        .contains("not accepted, retry");
                assertThat(twoLost.headers().firstValue("Retry-After")).isPresent();
                assertThat(tookMillis).as("refused within the send timeout, not after the client's defaults").isLessThan(10_000);
                assertThat(app.environment().metrics().counter("homeostat.kafka.produce_failures").getCount()).isPositive();
                assertThat(app.get(app.api("/api/v1/issues")).statusCode()).as("the rest of the service answers").isEqualTo(200);
            }
        }
    }

    @Test
    void aStormSpreadOverTheReplicasEnginesKeepsTheTenantsRateLimit() throws Exception {
        Path callLog = Files.createDirectories(directory).resolve("calls.log");
        Files.writeString(callLog, "");
        String topic = "signals-storm";
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.POSTGRES, directory)) {
            try (TestApp a = replica(database, "a", topic, callLog).policy("rateLimits", Map.of("perTenantPerMinute", 3))
                    .cluster("heldBackRetry", "2s").start();
                 TestApp b = replica(database, "b", topic, callLog).policy("rateLimits", Map.of("perTenantPerMinute", 3))
                         .cluster("heldBackRetry", "2s").start()) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    assertThat(partitions(a)).isPositive();
                    assertThat(partitions(b)).isPositive();
                    assertThat(partitions(a) + partitions(b)).isEqualTo(PARTITIONS);
                });
                // Two failing services in every partition: each engine decides for its own, and each session alone
                // would pass three a minute; the cluster's admission counts both engines' attempts.
                Map<Integer, List<String>> byPartition = new java.util.TreeMap<>();
                for (int i = 0; byPartition.values().stream().mapToInt(List::size).sum() < 2 * PARTITIONS; i++) {
                    List<String> resources = byPartition.computeIfAbsent(Partitioning.partition("storm", "service:s-" + i, PARTITIONS),
                            p -> new ArrayList<>());
                    if (resources.size() < 2) {
                        resources.add("service:s-" + i);
                    }
                }
                List<String> toA = new ArrayList<>();
                List<String> toB = new ArrayList<>();
                byPartition.values().stream().flatMap(List::stream).forEach(resource ->
                        (toA.size() <= toB.size() ? toA : toB).add(signal("storm", resource)));
                assertThat(a.signals(toA.toArray(String[]::new)).statusCode()).isEqualTo(202);
                assertThat(b.signals(toB.toArray(String[]::new)).statusCode()).isEqualTo(202);
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    assertThat(evaluated(a) + evaluated(b)).isEqualTo(2L * PARTITIONS);
                    assertThat(stormAttempts(a, item -> item.hasNonNull("startedAt"))).isGreaterThanOrEqualTo(3);
                    assertThat(stormAttempts(a, item -> item.path("message").asText().startsWith("cluster.rate.tenant: ")))
                            .as("held back by the cluster's count").isPositive();
                });
                Thread.sleep(5_000); // held-back proposals are decided again every 2 s: still within the minute
                assertThat(stormAttempts(a, item -> item.hasNonNull("startedAt"))).as("started within the minute over both engines")
                        .isEqualTo(3);
                assertThat(Files.readAllLines(callLog)).as("the plugin's own calls").hasSize(3);
                assertThat(evaluated(a)).as("a's engine decided for its partitions").isPositive();
                assertThat(evaluated(b)).as("b's engine decided for its partitions").isPositive();
            }
        }
    }

    private static long stormAttempts(TestApp app, java.util.function.Predicate<com.fasterxml.jackson.databind.JsonNode> which)
            throws Exception {
        long count = 0;
        for (com.fasterxml.jackson.databind.JsonNode item : app.getJson("/api/v1/remediations?tenant=storm&limit=200").get("items")) {
            count += which.test(item) ? 1 : 0;
        }
        return count;
    }

    @Test
    void anApprovalSentToAnyReplicaReachesTheEngineThatHoldsTheProposal() throws Exception {
        Path callLog = Files.createDirectories(directory).resolve("calls.log");
        Files.writeString(callLog, "");
        String topic = "signals-approvals";
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.POSTGRES, directory)) {
            try (TestApp a = replica(database, "a", topic, callLog).start(); TestApp b = replica(database, "b", topic, callLog).start()) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    assertThat(partitions(a)).isPositive();
                    assertThat(partitions(b)).isPositive();
                });
                // One risky resource in every partition: some proposals are held by a's engine, some by b's.
                Map<Integer, String> byPartition = new java.util.TreeMap<>();
                for (int i = 0; byPartition.size() < PARTITIONS; i++) {
                    byPartition.putIfAbsent(Partitioning.partition("alpha", "service:risky-" + i, PARTITIONS), "service:risky-" + i);
                }
                for (String resource : byPartition.values()) {
                    String body = "{\"tenant\":\"alpha\",\"resource\":\"" + resource + "\",\"metric\":\"test.risky\",\"value\":1,"
                            + "\"source\":\"test\"}";
                    assertThat(a.signals(body).statusCode()).isEqualTo(202);
                }
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(a.getJson("/api/v1/approvals?state=pending&limit=50").get("items")).hasSize(PARTITIONS));
                for (com.fasterxml.jackson.databind.JsonNode approval : a.getJson("/api/v1/approvals?state=pending&limit=50").get("items")) {
                    HttpResponse<String> approved = a.post("/api/v1/approvals/" + approval.get("id").asText() + "/approve",
                            "{\"reason\":\"checked\"}");
                    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
                }
                // Without routing, the proposals b's engine holds would wait for an answer that never reaches it.
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(Files.readAllLines(callLog)).hasSize(PARTITIONS));
            }
        }
    }

    @Test
    void eachResourceIsEvaluatedByOneEngineAndAReplicaThatLeavesHandsItsStateOver() throws Exception {
        Path callLog = directory.resolve("calls.log");
        Files.createDirectories(directory);
        Files.writeString(callLog, "");
        String topic = "signals-handover";
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.POSTGRES, directory)) {
            TestApp a = replica(database, "a", topic, callLog).start();
            try {
                TestApp b = replica(database, "b", topic, callLog).start();
                try {
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                        assertThat(partitions(a)).as("a's partitions").isPositive();
                        assertThat(partitions(b)).as("b's partitions").isPositive();
                        assertThat(partitions(a) + partitions(b)).isEqualTo(PARTITIONS);
                    });
                    List<String[]> resources = new ArrayList<>();
                    for (String tenant : List.of("alpha", "beta", "gamma")) {
                        for (int i = 0; i < 4; i++) {
                            resources.add(new String[] {tenant, "service:svc-" + i});
                        }
                    }
                    int acknowledged = 0;
                    for (String[] resource : resources) {
                        // Each resource's signal to both replicas: with embedded intake both engines would open an issue.
                        for (TestApp replica : List.of(a, b)) {
                            HttpResponse<String> response = replica.signals(signal(resource[0], resource[1]));
                            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                            assertThat(response.body()).contains("\"accepted\":1");
                            acknowledged++;
                        }
                    }
                    int sent = acknowledged;
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                        assertThat(evaluated(a) + evaluated(b)).as("acknowledged signals evaluated").isEqualTo(sent);
                        assertThat(Files.readAllLines(callLog)).hasSize(resources.size());
                    });
                    assertThat(evaluated(a)).as("a evaluated its partitions' signals").isPositive();
                    assertThat(evaluated(b)).as("b evaluated its partitions' signals").isPositive();
                    assertThat(issues(a)).as("one issue per resource, opened by the one engine that evaluates it").isEqualTo(resources.size());
                    Set<String> attempts = new HashSet<>(Files.readAllLines(callLog));
                    assertThat(attempts).as("one remediation per resource, none doubled").hasSize(resources.size());

                    // The shipped alerts and dashboard read these (ObservabilityIntegrationTest checks the others, on embedded intake).
                    String exported = a.get(a.admin("/prometheus")).body();
                    java.util.regex.Matcher used = java.util.regex.Pattern.compile("homeostat_kafka_[a-z_]+")
                            .matcher(Files.readString(Path.of("..", "deploy", "prometheus", "homeostat-rules.yml")));
                    while (used.find()) {
                        assertThat(exported).as("exports %s", used.group()).containsPattern("(?m)^" + used.group() + "(_total)?[ {]");
                    }

                    // Two of the three readings the window rule needs, evaluated by each resource's engine before b leaves.
                    for (String[] resource : resources) {
                        for (int i = 0; i < 2; i++) {
                            assertThat(a.signals(signal(resource[0], resource[1], "test.window")).statusCode()).isEqualTo(202);
                            acknowledged++;
                        }
                    }
                    int beforeLeaving = acknowledged;
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                            assertThat(evaluated(a) + evaluated(b)).isEqualTo(beforeLeaving));
                    assertThat(issues(a, "window.test")).isZero();

                    long evaluatedByB = evaluated(b);
                    b.close();
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(partitions(a)).isEqualTo(PARTITIONS));
                    for (String[] resource : resources) {
                        HttpResponse<String> response = a.signals(signal(resource[0], resource[1]),
                                signal(resource[0], resource[1], "test.window"));
                        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                        assertThat(response.body()).contains("\"accepted\":2");
                        acknowledged += 2;
                    }
                    int total = acknowledged;
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                            assertThat(evaluated(a) + evaluatedByB).as("every acknowledged signal evaluated once").isEqualTo(total));
                    // b's resources' issues were adopted from the store: the same signals open none a second time, and their
                    // remediations (verifying) are not started again.
                    Thread.sleep(1_000);
                    assertThat(issues(a)).isEqualTo(resources.size());
                    assertThat(Files.readAllLines(callLog)).hasSize(resources.size());
                    // b's resources' last readings were read back from the topic: the third reading completes their windows too.
                    assertThat(issues(a, "window.test")).as("window issues (b's resources' windows moved with them)")
                            .isEqualTo(resources.size());
                } finally {
                    b.close();
                }
            } finally {
                a.close();
            }
        }
    }
}
