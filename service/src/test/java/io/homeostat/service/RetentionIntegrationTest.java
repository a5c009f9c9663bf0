package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Retention on H2 and PostgreSQL: what is older than its age is archived (gzip JSON lines) and then
 * deleted — a resolved issue with everything recorded about it, health history, audit rows — while an
 * unresolved issue keeps everything; {@code audit verify} then checks the archive and the database as
 * one chain, and names a row changed in the archive. An archive that cannot be written deletes nothing
 * and says so in the health check.
 */
class RetentionIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    private TestApp.Builder app(TestDatabase database) {
        return TestApp.builder(directory, database)
                .policy("resolveQuietPeriod", "1s")
                .healthScore("interval", "1s")
                .retention("firstRunAfter", "1d")
                .retention("batchSize", 2)
                .retention("maxAge", java.util.Map.of("issues", "3s", "decisions", "3s", "remediations", "3s", "healthHistory", "3s",
                        "audit", "3s"));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void archivesThenDeletesAndTheAuditChainVerifiesAcrossTheArchive(TestDatabase.Kind kind) throws Exception {
        String resolvedId;
        String openId;
        long auditBefore;
        try (TestDatabase database = TestDatabase.create(kind, directory)) {
            try (TestApp app = app(database).start()) {
                app.createKey("ci", "viewer", "default");
                app.createKey("cd", "viewer", "default");
                // An issue that is resolved (healthy readings, then the quiet period) and one that stays open.
                String down = TestApp.signal("service:web", "probe.success", 0);
                app.signals(down, down, down);
                await().atMost(Duration.ofSeconds(15)).until(() -> app.getJson("/api/v1/issues?resource=service:web").get("total").asInt() == 1);
                resolvedId = app.getJson("/api/v1/issues?resource=service:web").get("items").get(0).get("id").asText();
                String issue = resolvedId;
                await().atMost(Duration.ofSeconds(15)).until(() -> app.getJson("/api/v1/issues/" + issue).get("decisions").size() > 0);
                app.signals(TestApp.signal("service:web", "probe.success", 1));
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        app.getJson("/api/v1/issues/" + issue).get("issue").get("state").asText().equals("resolved"));
                String other = TestApp.signal("service:api", "probe.success", 0);
                app.signals(other, other, other);
                await().atMost(Duration.ofSeconds(15)).until(() -> app.getJson("/api/v1/issues?resource=service:api").get("total").asInt() == 1);
                openId = app.getJson("/api/v1/issues?resource=service:api").get("items").get(0).get("id").asText();
                List<String> decisionsOfOpen = app.getJson("/api/v1/issues/" + openId).get("decisions").findValuesAsText("id");
                try (Connection connection = database.connect()) {
                    assertThat(count(connection, "SELECT COUNT(*) FROM decisions WHERE issue_id = '" + resolvedId + "'")).isPositive();
                    assertThat(count(connection, "SELECT COUNT(*) FROM health_history")).isPositive();
                    auditBefore = count(connection, "SELECT COUNT(*) FROM audit");
                }
                assertThat(auditBefore).isGreaterThanOrEqualTo(2);

                // Everything above is older than 3 s once 3 s passed: one run archives and deletes it, two rows a batch.
                Thread.sleep(3_500);
                HttpResponse<String> ran = retention(app);
                assertThat(ran.statusCode()).as(ran.body()).isEqualTo(200);
                assertThat(ran.body()).startsWith("archived and deleted {issues=1,");
                assertThat(app.get(app.admin("/healthcheck")).body()).contains("\"retention\":{\"healthy\":true");

                // Gone from the database and the API; the open issue keeps every row.
                assertThat(app.getAs(app.adminKey(), app.api("/api/v1/issues/" + resolvedId)).statusCode()).isEqualTo(404);
                assertThat(app.getJson("/api/v1/issues/" + openId).get("decisions").findValuesAsText("id")).containsAll(decisionsOfOpen);
                try (Connection connection = database.connect()) {
                    for (String table : List.of("decisions", "remediations", "proposals", "approvals", "escalations")) {
                        assertThat(count(connection, "SELECT COUNT(*) FROM " + table + " WHERE issue_id = '" + resolvedId + "'")).as(table).isZero();
                    }
                    assertThat(count(connection, "SELECT COUNT(*) FROM issues WHERE id = '" + openId + "'")).isEqualTo(1);
                    long base = count(connection, "SELECT seq FROM audit_base WHERE id = 1");
                    assertThat(base).as("the oldest audit rows were archived").isGreaterThanOrEqualTo(auditBefore);
                    assertThat(count(connection, "SELECT COUNT(*) FROM audit WHERE seq <= " + base)).isZero();
                }
                assertThat(app.getJson("/api/v1/audit/verify").get("valid").asBoolean()).isTrue();
            }

            // In the archive: the resolved issue with its decisions as one line, every audit row deleted, health points.
            List<JsonNode> issues = archived("issues");
            assertThat(issues).hasSize(1);
            assertThat(issues.get(0).get("issue").get("id").asText()).isEqualTo(resolvedId);
            assertThat(issues.get(0).get("issue").get("state").asText()).isEqualTo("resolved");
            assertThat(issues.get(0).get("decisions").size()).isPositive();
            assertThat(issues.get(0).get("proposals").size()).isPositive();
            // Incident history and the audit trail: for the service's user only.
            try (Stream<Path> files = Files.list(directory.resolve("archive").resolve("issues"))) {
                Path file = files.findFirst().orElseThrow();
                assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
                assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                        .isEqualTo("rwx------");
            }
            assertThat(archived("health_history")).isNotEmpty().allSatisfy(point -> assertThat(point.has("score")).isTrue());
            List<JsonNode> audit = archived("audit");
            assertThat(audit.stream().map(row -> row.get("seq").asLong()).toList()).startsWith(1L, 2L);
            assertThat(Files.list(directory.resolve("archive").resolve("audit")).count()).as("two rows a batch").isGreaterThan(1);

            // audit verify: the archive and the database as one chain.
            Ran verified = auditVerify();
            assertThat(verified.status()).as(verified.err()).isZero();
            assertThat(verified.out()).contains("archived rows").contains("every hash follows from the first");

            // A row changed in the archive is named.
            Path first = Files.list(directory.resolve("archive").resolve("audit")).sorted().findFirst().orElseThrow();
            List<String> lines = read(first);
            lines.set(0, lines.get(0).replace("\"actor\":\"", "\"actor\":\"x"));
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(first))) {
                out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            Ran broken = auditVerify();
            assertThat(broken.status()).isEqualTo(1);
            assertThat(broken.err()).contains("the archived audit chain").contains("is broken at row 1: row 1 was changed");
        }
    }

    @Test
    void anArchiveThatCannotBeWrittenDeletesNothingAndIsUnhealthy() throws Exception {
        Path blocker = Files.writeString(directory.resolve("not-a-directory"), "a file where the archive's parent should be");
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
             TestApp app = app(database).retention("archiveDirectory", blocker.resolve("archive").toString()).start()) {
            app.createKey("ci", "viewer", "default");
            long audit;
            try (Connection connection = database.connect()) {
                audit = count(connection, "SELECT COUNT(*) FROM audit");
            }
            Thread.sleep(3_500);
            HttpResponse<String> ran = retention(app);
            assertThat(ran.body()).startsWith("stopped: the archive " + blocker.resolve("archive") + " could not be written (");
            assertThat(app.get(app.admin("/healthcheck")).body()).contains("\"retention\":{\"healthy\":false")
                    .contains("the last retention run stopped");
            assertThat(app.get(app.admin("/prometheus")).body()).contains("homeostat_retention_failures_total 1.0");
            try (Connection connection = database.connect()) {
                assertThat(count(connection, "SELECT COUNT(*) FROM audit")).as("nothing deleted without its export").isEqualTo(audit);
                assertThat(count(connection, "SELECT seq FROM audit_base WHERE id = 1")).isZero();
            }
        }
    }

    private static HttpResponse<String> retention(TestApp app) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.admin("/tasks/retention")))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<JsonNode> archived(String table) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory.resolve("archive").resolve(table))) {
            for (Path file : files.sorted().toList()) {
                for (String line : read(file)) {
                    rows.add(JSON.readTree(line));
                }
            }
        }
        return rows;
    }

    private static List<String> read(Path file) throws Exception {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)),
                StandardCharsets.UTF_8))) {
            return new ArrayList<>(reader.lines().toList());
        }
    }

    private static long count(Connection connection, String sql) throws Exception {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    record Ran(int status, String out, String err) {
    }

    /** {@code audit verify} on the config the test app wrote, as an operator runs it. */
    private Ran auditVerify() throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), HomeostatApplication.class.getName(), "audit", "verify",
                directory.resolve("config.yml").toString()));
        Path out = directory.resolve("verify.out");
        Path err = directory.resolve("verify.err");
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        return new Ran(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
