package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logs as JSON, switched on in config ({@code layout: {type: json}}): every line is one JSON object,
 * and the lines about an issue and its remediation carry their ids in {@code mdc}, the plugin's own
 * lines included, so that a log search by remediation id finds the whole attempt.
 */
class JsonLogIntegrationTest {
    @TempDir
    Path directory;

    @Test
    void everyLineIsJsonAndTheLinesAboutARemediationCarryItsIds() throws Exception {
        Path logs = Files.createDirectories(directory.resolve("var-log-app"));
        Files.writeString(logs.resolve("access.log"), "GET / 200\n".repeat(20_000));
        Path log = directory.resolve("homeostat.json.log");
        JsonNode remediation;
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
             TestApp app = TestApp.builder(directory, database)
                     .logging(Map.of("level", "WARN", "loggers", Map.of("io.homeostat", "INFO"),
                             "appenders", List.of(Map.of("type", "file", "currentLogFilename", log.toString(), "archive", false,
                                     "layout", Map.of("type", "json")))))
                     .pluginSettings("disk", Map.of("directories", Map.of("app-logs", Map.of("path", logs.toString(), "rotateMinKib", 64)),
                             "resources", Map.of("disk:web-1:/var", List.of("app-logs"))))
                     .start()) {
            app.signals(TestApp.signal("disk:web-1:/var", "disk.used_percent", 97.5));
            remediation = HealingLoopIntegrationTest.awaitRemediation(app, "succeeded");
        }
        String remediationId = remediation.get("id").asText();
        String issueId = remediation.get("issueId").asText();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            lines.add(TestApp.parse(line));       // throws on a line that is not JSON
        }
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line.has("message") && line.has("level") && line.has("timestamp")).isTrue());

        List<JsonNode> aboutIt = lines.stream().filter(line -> line.get("message").asText().contains(remediationId)).toList();
        assertThat(aboutIt).as("the executor's line about the attempt").isNotEmpty().allSatisfy(line -> {
            assertThat(line.get("mdc").get("remediationId").asText()).isEqualTo(remediationId);
            assertThat(line.get("mdc").get("issueId").asText()).isEqualTo(issueId);
            assertThat(line.get("mdc").get("action").asText()).isEqualTo("disk.rotate");
        });
        // The plugin's own lines (its ActionLogger, on the plugin caller's thread) carry the attempt's ids too.
        assertThat(lines).anySatisfy(line -> {
            assertThat(line.get("logger").asText()).startsWith("io.homeostat.plugin");
            assertThat(line.get("mdc").get("remediationId").asText()).isEqualTo(remediationId);
        });
        assertThat(lines).anySatisfy(line -> {
            // The issue's first line (opened, or already remediating when one batch opened it and decided).
            assertThat(line.get("logger").asText()).isEqualTo("io.homeostat.issues");
            assertThat(line.get("message").asText()).startsWith("issue " + issueId + " ");
            assertThat(line.get("mdc").get("issueId").asText()).isEqualTo(issueId);
        });
    }
}
