package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.PrivatePostgres;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's PostgreSQL (a cluster of the test's own) stopped abruptly for a minute under steady
 * load. Found before: the engine stalled on its write, and probes evaluated after their window were
 * lost; 7 of 551 issues never opened in a 60 s outage, 199 of 551 in 120 s, all answered 202 and
 * without an alarm. Now the engine goes on evaluating, the outbox holds what it produced, health is
 * red while it waits, and when the database is back every issue is recorded, in order, before any of
 * its actions runs. Set -Dhomeostat.outage.seconds to change the outage's length (60 by default).
 */
class DatabaseOutageIntegrationTest {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseOutageIntegrationTest.class);
    private static final int HEALTHY_RESOURCES = 50;

    @TempDir
    Path directory;

    @Test
    void aMinuteWithoutTheDatabaseUnderLoadLosesNoDetectionAndActsOnNothingUnrecorded() throws Exception {
        int outageSeconds = Integer.getInteger("homeostat.outage.seconds", 60);
        try (PrivatePostgres postgres = PrivatePostgres.create();
             TestDatabase database = TestDatabase.postgres(postgres.url(), "postgres");
             TestApp app = TestApp.builder(directory, database).start()) {
            // Steady load: 50 healthy services probed ten times a second (500 signals/s), every answer kept.
            Map<Integer, AtomicInteger> answers = new ConcurrentHashMap<>();
            AtomicBoolean loading = new AtomicBoolean(true);
            Thread load = new Thread(() -> {
                while (loading.get()) {
                    String[] batch = new String[HEALTHY_RESOURCES];
                    for (int i = 0; i < batch.length; i++) {
                        batch[i] = TestApp.signal("service:ok-" + i, "probe.success", 1);
                    }
                    try {
                        answers.computeIfAbsent(app.signals(batch).statusCode(), status -> new AtomicInteger()).incrementAndGet();
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        answers.computeIfAbsent(-1, status -> new AtomicInteger()).incrementAndGet();
                    }
                }
            }, "steady-load");
            load.setDaemon(true);
            load.start();
            try {
                outage(app, postgres, outageSeconds, answers, loading, load);
            } finally {
                // A failed assertion must not leave the load running into the tests after this one.
                loading.set(false);
                load.interrupt();
                load.join(10_000);
            }
        }
    }

    private void outage(TestApp app, PrivatePostgres postgres, int outageSeconds, Map<Integer, AtomicInteger> answers,
                        AtomicBoolean loading, Thread load) throws Exception {
        fail(app, "service:before");
        await().atMost(Duration.ofSeconds(15)).until(() -> serviceDown(app).contains("service:before"));

        postgres.stopImmediately();
        long outageStarted = System.nanoTime();
        LOG.info("PostgreSQL stopped for {} s", outageSeconds);
        Set<String> failedDuringOutage = new TreeSet<>();
        boolean checkedHealth = false;
        for (int second = 0; second < outageSeconds; second += 5) {
            for (int i = 0; i < 2; i++) {
                String resource = "service:down-" + second + "-" + i;
                assertThat(fail(app, resource).statusCode()).as("probes of %s accepted during the outage", resource).isEqualTo(202);
                failedDuringOutage.add(resource);
            }
            if (!checkedHealth && System.nanoTime() - outageStarted > Duration.ofSeconds(35).toNanos()) {
                checkedHealth = true;
                JsonNode health = TestApp.parse(app.get(app.admin("/healthcheck")).body());
                assertThat(health.get("database").get("healthy").asBoolean()).isFalse();
                assertThat(health.get("outbox").get("healthy").asBoolean()).as(health.get("outbox").toString()).isFalse();
                assertThat(health.get("outbox").get("message").asText()).contains("for the database");
                // Entries, not issues: one evaluated batch may hold several services' issues.
                assertThat(health.get("outbox").get("depth").asInt()).isPositive();
                assertThat(health.get("evaluation-lag").get("healthy").asBoolean()).as("the engine keeps evaluating").isTrue();
                assertThat(app.get(app.admin("/ready")).statusCode()).isEqualTo(503);
                assertThat(app.get(app.admin("/live")).statusCode()).isEqualTo(200);
            }
            Thread.sleep(Math.max(0, Duration.ofSeconds(second + 5).toMillis()
                    - Duration.ofNanos(System.nanoTime() - outageStarted).toMillis()));
        }
        assertThat(checkedHealth).as("the outage lasted long enough to look at health (35 s)").isTrue();

        Instant back = Instant.now();
        postgres.start();
        LOG.info("PostgreSQL started again after {} s", Duration.ofNanos(System.nanoTime() - outageStarted).toSeconds());
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> assertThat(serviceDown(app)).containsAll(failedDuringOutage));
        await().atMost(Duration.ofSeconds(60)).until(() -> app.get(app.admin("/healthcheck")).statusCode() == 200);
        assertThat(app.get(app.admin("/ready")).statusCode()).isEqualTo(200);
        loading.set(false);
        load.join(10_000);

        Map<Integer, Integer> statuses = new TreeMap<>();
        answers.forEach((status, count) -> statuses.put(status, count.get()));
        LOG.info("steady load answers: {}", statuses);
        assertThat(statuses.keySet()).as("every steady-load batch accepted through the outage: %s", statuses).containsExactly(202);
        assertThat(statuses.get(202)).isGreaterThan(outageSeconds * 5);

        // Every issue has its decision, and nothing ran before its decision was recorded: no attempt started before the database came back.
        List<String> startedEarly = new ArrayList<>();
        for (JsonNode remediation : app.getJson("/api/v1/remediations?limit=500").get("items")) {
            JsonNode started = remediation.get("createdAt");
            if (failedDuringOutage.contains(remediation.get("resource").asText()) && Instant.parse(started.asText()).isBefore(back)) {
                startedEarly.add(remediation.get("resource").asText() + " at " + started.asText());
            }
        }
        assertThat(startedEarly).isEmpty();
        for (JsonNode issue : app.getJson("/api/v1/issues?limit=500").get("items")) {
            if (failedDuringOutage.contains(issue.get("resource").asText())) {
                assertThat(app.getJson("/api/v1/issues/" + issue.get("id").asText()).get("decisions")).as(issue.toString()).isNotEmpty();
            }
        }
        JsonNode audit = app.getJson("/api/v1/audit/verify");
        assertThat(audit.get("valid").asBoolean()).as(audit.toString()).isTrue();
        assertThat(app.environment().metrics().counter("homeostat.outbox.unjournaled").getCount()).isZero();
    }

    /** Three failing probes of {@code resource} in one batch: enough for service_down. */
    private static HttpResponse<String> fail(TestApp app, String resource) throws Exception {
        String probe = TestApp.signal(resource, "probe.success", 0);
        return app.signals(probe, probe, probe);
    }

    private static Set<String> serviceDown(TestApp app) throws Exception {
        Set<String> resources = new TreeSet<>();
        for (JsonNode issue : app.getJson("/api/v1/issues?limit=500").get("items")) {
            if (issue.get("type").asText().equals("service_down")) {
                resources.add(issue.get("resource").asText());
            }
        }
        return resources;
    }
}
