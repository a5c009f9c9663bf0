package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Editing rule files while signals stream in: a new rule takes effect without a restart, windows
 * and issues carry over, a broken edit is rejected with file and line while the last good rules
 * keep deciding, rollback writes the previous version back, and every accepted signal is evaluated.
 */
class RuleReloadIntegrationTest {
    private static final String TLS_RULE = """
            package homeostat.rules.tls;
            import io.homeostat.service.engine.facts.*;
            rule "tls_expiring: certificate expires within 14 days"
            when
                $s : Signal( metric == "test.tls_days_left", value < 14, $t : tenant, $r : resource )
                not Issue( tenant == $t, resource == $r, type == "tls_expiring", active || lastClearAt >= $s.time )
            then
                insert( new Issue( $t, $r, "tls_expiring", Severity.MEDIUM, "security", $s.getTime(),
                                   drools.getRule().getName(), "certificate expires soon" ) );
            end
            """;

    @TempDir
    Path directory;

    private static int issues(TestApp app, String query) throws Exception {
        return app.getJson("/api/v1/issues?" + query).get("total").asInt();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void rulesChangeUnderLoadWithoutLosingASignal(TestDatabase.Kind kind) throws Exception {
        Path rules = directory.resolve("rules");
        try (TestDatabase database = TestDatabase.create(kind, directory)) {
            try (TestApp app = TestApp.builder(directory, database).engine("reloadDebounce", "200ms").start()) {
                runUnderLoad(app, rules);
            }
            // The command works without the service: the newest accepted version unlike the files on disk goes back.
            new HomeostatApplication().run("rules", "rollback", directory.resolve("config.yml").toString());
            assertThat(rules.resolve("tls.drl")).exists();

            // rules validate: the directory the rollback wrote compiles; a broken copy names every problem and applies nothing.
            java.io.PrintStream original = System.out;
            java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
            System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            try {
                new HomeostatApplication().run("rules", "validate", directory.resolve("config.yml").toString());
            } finally {
                System.setOut(original);
            }
            assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).containsPattern("valid: .*rules: \\d+ rules in \\d+ files");
            Path broken = java.nio.file.Files.createDirectories(directory.resolve("broken"));
            java.nio.file.Files.writeString(broken.resolve("a.drl"), "package p;\nrule \"a\" when\n  Nonsense( )\nthen\nend\n");
            java.nio.file.Files.writeString(broken.resolve("b.drl"), "package p;\nrule \"b\" when\nthen\n  undefinedCall();\nend\n");
            java.io.ByteArrayOutputStream report = new java.io.ByteArrayOutputStream();
            assertThat(io.homeostat.service.cli.RulesCommand.validate(broken,
                    new java.io.PrintStream(report, true, java.nio.charset.StandardCharsets.UTF_8))).isFalse();
            assertThat(report.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("invalid: " + broken).contains("a.drl:3")
                    .contains("b.drl:");
        }
    }

    private static void runUnderLoad(TestApp app, Path rules) throws Exception {
        String start = app.getJson("/api/v1/rules").get("version").asText();
        AtomicLong accepted = new AtomicLong();
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread sender = new Thread(() -> {
            int round = 0;
            while (sending.get()) {
                StringBuilder batch = new StringBuilder();
                for (int i = 0; i < 200; i++) {
                    batch.append(i == 0 ? "" : ",").append(TestApp.signal("host:h" + (i + round % 7), "cpu.utilization", 40));
                }
                try {
                    HttpResponse<String> answer = app.signals(batch.toString());
                    if (answer.statusCode() == 202) {
                        accepted.addAndGet(TestApp.parse(answer.body()).get("accepted").asLong());
                    }
                } catch (Exception e) {
                    return;
                }
                round++;
                try {
                    // About 10,000 signals a second: load on the engine through every reload, without starving the
                    // test JVM running beside this one.
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sender.start();
        String failing = TestApp.signal("service:x", "probe.success", 0);
        String failingY = TestApp.signal("service:y", "probe.success", 0);
        accepted.addAndGet(TestApp.parse(app.signals(failing, failing, failing, failingY, failingY).body()).get("accepted").asLong());
        await().atMost(Duration.ofSeconds(10)).until(() -> issues(app, "resource=service:x") == 1);

        // A new rule file: applied without a restart, and it decides the very next signal.
        Files.writeString(rules.resolve("tls.drl"), TLS_RULE);
        await().atMost(Duration.ofSeconds(20)).until(() -> !app.getJson("/api/v1/rules").get("version").asText().equals(start));
        JsonNode status = app.getJson("/api/v1/rules");
        assertThat(status.get("files").toString()).contains("tls.drl");
        assertThat(status.get("cause").asText()).startsWith("file change: tls.drl");
        accepted.addAndGet(TestApp.parse(app.signals(TestApp.signal("host:web", "test.tls_days_left", 5), failingY).body())
                .get("accepted").asLong());
        await().atMost(Duration.ofSeconds(10)).until(() -> issues(app, "resource=host:web") == 1);
        // The window carried over: two failed probes before the swap and one after make three within a minute.
        await().atMost(Duration.ofSeconds(10)).until(() -> issues(app, "resource=service:y") == 1);
        // Issues carried over: the carried failures of service:x did not open a second issue.
        assertThat(issues(app, "resource=service:x")).isEqualTo(1);

        // A broken edit: rejected with file and line; the last good rules keep deciding.
        Files.writeString(rules.resolve("broken.drl"), "package homeostat.rules.broken;\nrule \"half\"\nwhen\n    Signal( \nthen\nend\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> !app.getJson("/api/v1/rules").get("rejected").isNull());
        JsonNode rejected = app.getJson("/api/v1/rules").get("rejected");
        assertThat(rejected.get("problems").get(0).get("file").asText()).isEqualTo("broken.drl");
        assertThat(rejected.get("problems").get(0).get("line").asInt()).isPositive();
        JsonNode health = TestApp.parse(app.get(app.admin("/healthcheck")).body()).get("rules");
        assertThat(health.get("degraded").asBoolean()).isTrue();
        assertThat(health.get("message").asText()).startsWith("DEGRADED: serving the last good rules");
        String failingZ = TestApp.signal("service:z", "probe.success", 0);
        accepted.addAndGet(TestApp.parse(app.signals(failingZ, failingZ, failingZ, TestApp.signal("host:api", "test.tls_days_left", 3))
                .body()).get("accepted").asLong());
        await().atMost(Duration.ofSeconds(10)).until(() -> issues(app, "resource=service:z") == 1 && issues(app, "resource=host:api") == 1);

        // Rollback: first back to what runs (the broken file goes), then to the start-up rules.
        HttpResponse<String> back = app.post("/api/v1/rules/rollback", "{}");
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        assertThat(TestApp.parse(back.body()).get("result").asText()).isEqualTo("unchanged");
        assertThat(rules.resolve("broken.drl")).doesNotExist();
        assertThat(app.getJson("/api/v1/rules").get("rejected").isNull()).as("no longer degraded").isTrue();
        HttpResponse<String> again = app.post("/api/v1/rules/rollback", "{}");
        assertThat(TestApp.parse(again.body()).get("result").asText()).isEqualTo("applied");
        assertThat(TestApp.parse(again.body()).get("version").asText()).isEqualTo(start);
        assertThat(rules.resolve("tls.drl")).doesNotExist();
        JsonNode versions = app.getJson("/api/v1/rules/versions");
        assertThat(versions.findValuesAsText("cause")).contains("start-up").anySatisfy(c -> assertThat(c).startsWith("rollback by admin"));
        HttpResponse<String> claimed = app.post("/api/v1/rules/rollback", "{\"by\":\"alice\"}");
        assertThat(claimed.statusCode()).isEqualTo(422);
        assertThat(claimed.body()).contains("'by' is not accepted");

        // Validation without applying.
        HttpResponse<String> invalid = app.post("/api/v1/rules/validate", "{\"files\":{\"x.drl\":\"rule \\\"x\\\" when then\"}}");
        assertThat(TestApp.parse(invalid.body()).get("result").asText()).isEqualTo("rejected");
        HttpResponse<String> valid = app.post("/api/v1/rules/validate",
                "{\"files\":{\"tls.drl\":" + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(TLS_RULE) + "}}");
        assertThat(TestApp.parse(valid.body()).get("result").asText()).isEqualTo("valid");
        assertThat(app.getJson("/api/v1/rules").get("version").asText()).as("validation applies nothing").isEqualTo(start);

        sending.set(false);
        sender.join();
        // Count in = count evaluated, across three swaps and a rejected edit.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(TestApp.parse(app.get(app.admin("/metrics")).body())
                .get("meters").get("homeostat.signals.evaluated").get("count").asLong()).isEqualTo(accepted.get()));
        assertThat(accepted.get()).isGreaterThan(1_000);
    }
}
