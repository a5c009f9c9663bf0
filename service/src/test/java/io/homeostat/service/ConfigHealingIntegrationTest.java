package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The config plugin end to end: its drift collector sees a file that differs from its desired version,
 * the shipped config_drift rules choose {@code config.reconcile}, the gates pass it, the plugin jar the
 * build produced writes the desired version and runs the reload command, and the collector's next
 * reading (no drift) resolves the issue.
 */
class ConfigHealingIntegrationTest {
    @TempDir
    Path directory;

    @Test
    void aDriftedFileTheCollectorSeesIsReconciledAndReloaded() throws Exception {
        Path desired = Files.createDirectories(directory.resolve("desired"));
        Files.writeString(desired.resolve("app.yml"), "workers: 4\n");
        Path live = Files.writeString(directory.resolve("app.yml"), "workers: 400\n");
        Path reloads = directory.resolve("reloads.log");
        Map<String, Object> file = Map.of("path", live.toString(), "desired", Map.of("directory", desired.toString(), "file", "app.yml"));
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
             TestApp app = TestApp.builder(directory, database)
                     .collector(Map.of("collector", "config.drift", "resource", "file:app.yml", "interval", "1s", "timeout", "900ms",
                             "settings", file))
                     .pluginSettings("config", Map.of("backupDirectory", directory.resolve("backups").toString(),
                             "files", Map.of("file:app.yml", Map.of("path", live.toString(), "desired", file.get("desired"),
                                     "reloadCommand", List.of("/bin/sh", "-c", "echo reloaded >> " + reloads)))))
                     .policy("resolveQuietPeriod", "1s")
                     .start()) {
            JsonNode remediation = HealingLoopIntegrationTest.awaitRemediation(app, "succeeded");
            assertThat(remediation.get("actionId").asText()).isEqualTo("config.reconcile");
            assertThat(Files.readString(live)).isEqualTo("workers: 4\n");
            assertThat(Files.readAllLines(reloads)).containsExactly("reloaded");
            String issueId = remediation.get("issueId").asText();
            assertThat(app.getJson("/api/v1/issues/" + issueId).get("issue").get("type").asText()).isEqualTo("config_drift");
            // The collector now finds no drift: verification passes and the issue resolves.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(app.getJson("/api/v1/issues/" + issueId).get("issue").get("state").asText()).isEqualTo("resolved"));
            assertThat(Files.readAllLines(reloads)).as("reconciled once, not again").containsExactly("reloaded");
        }
    }
}
