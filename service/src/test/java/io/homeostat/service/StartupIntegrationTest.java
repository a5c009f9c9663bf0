package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up with a broken rule file or plugin jar: on a first start, or with the strict options, it
 * stops with the reason; on a restart it serves the last accepted rules and the good jars, degraded
 * and loud, so that a crash-restart during an incident does not become an outage.
 */
class StartupIntegrationTest {
    @TempDir
    Path directory;

    @Test
    void aRuleFileWithASyntaxErrorStopsStartUpWithFileAndLine() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory)) {
            var support = TestApp.builder(directory, database)
                    .rule("broken.drl", "package homeostat.rules;\n\nrule \"oops\"\nwhen\n    Signal( metric == \nthen\nend\n")
                    .prepare();
            assertThatThrownBy(support::before)
                    .hasStackTraceContaining("rules do not compile (1 problem)")
                    .hasStackTraceContaining("broken.drl:7: [ERR 102] Line 7:0 mismatched input 'end' in rule \"oops\"");
            support.after();
        }
    }

    private static final String BROKEN = "package homeostat.rules;\n\nrule \"oops\"\nwhen\n    Signal( metric == \nthen\nend\n";

    @Test
    void aBrokenRuleFileAtARestartStartsWithTheLastAcceptedRulesDegradedUnlessStrict() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory)) {
            String accepted;
            try (TestApp first = TestApp.builder(directory, database).start()) {
                accepted = TestApp.parse(first.get(first.admin("/healthcheck")).body()).get("rules").get("version").asText();
            }
            // An edit broke a file while the service was down (or it crashed right after the edit).
            try (TestApp second = TestApp.builder(directory, database).rule("broken.drl", BROKEN).start()) {
                JsonNode rules = TestApp.parse(second.get(second.admin("/healthcheck")).body()).get("rules");
                assertThat(rules.get("healthy").asBoolean()).isTrue();
                assertThat(rules.get("degraded").asBoolean()).isTrue();
                assertThat(rules.get("version").asText()).isEqualTo(accepted);
                assertThat(rules.get("message").asText()).startsWith("DEGRADED").contains("broken.drl:7");
                // And it decides: three failed probes still open an issue.
                for (int i = 0; i < 3; i++) {
                    second.signals(TestApp.signal("service:web", "probe.success", 0));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> second.getJson("/api/v1/issues?resource=service:web").get("total").asInt() == 1);
            }
            var strict = TestApp.builder(directory, database).rule("broken.drl", BROKEN).engine("failOnRuleError", true).prepare();
            assertThatThrownBy(strict::before).hasStackTraceContaining("broken.drl:7");
            strict.after();
        }
    }

    @Test
    void aCorruptPluginJarStartsDegradedWithoutItOrStopsStartUpWhenStrict() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory)) {
            var lenient = TestApp.builder(directory, database).prepare();
            Files.writeString(directory.resolve("plugins").resolve("corrupt-plugin.jar"), "this is not a zip file");
            lenient.before();
            try {
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + lenient.getAdminPort() + "/healthcheck")).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode plugins = TestApp.parse(health.body()).get("plugins");
                assertThat(plugins.get("healthy").asBoolean()).isTrue();
                assertThat(plugins.get("message").asText()).startsWith("DEGRADED").contains("corrupt-plugin.jar: cannot be loaded: not a readable jar");
                assertThat(plugins.get("actions").toString()).contains("process.restart", "http.call");
            } finally {
                lenient.after();
            }
        }
    }

    @Test
    void aCorruptPluginJarStopsStartUpWithItsNameWhenStrict() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory)) {
            var support = TestApp.builder(directory, database).plugins("failOnError", true).prepare();
            Files.writeString(directory.resolve("plugins").resolve("corrupt-plugin.jar"), "this is not a zip file");
            assertThatThrownBy(support::before)
                    .hasStackTraceContaining("plugins failed to load")
                    .hasStackTraceContaining("corrupt-plugin.jar");
            support.after();
        }
    }

    @Test
    void aPluginSettingThatCannotWorkStopsStartUpWithItsPath() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory)) {
            var support = TestApp.builder(directory, database).pluginSettings("notify", java.util.Map.of("url", "chat.example.test"))
                    .plugins("failOnError", true).prepare();
            assertThatThrownBy(support::before)
                    .hasStackTraceContaining("plugins failed to load")
                    .hasStackTraceContaining("plugins.settings.notify.url must be an http:// or https:// URL, was 'chat.example.test'");
            support.after();
        }
    }
}
