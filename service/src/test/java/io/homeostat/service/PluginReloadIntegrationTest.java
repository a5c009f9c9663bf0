package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.PluginJars;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin jars dropped, replaced and removed while the service runs, built or altered by the test:
 * a new jar is loaded and its actions offered; a jar bundling an older Jackson than the service's
 * runs with its own; a corrupt jar and one built for plugin API 2 are rejected with their reason
 * and change nothing else; a replaced jar is reloaded while an action of the old one finishes on
 * it; a removed jar's actions are withdrawn; disable and enable persist.
 */
class PluginReloadIntegrationTest {
    private static final String RULES = """
            package homeostat.rules;
            import io.homeostat.service.engine.facts.*;

            rule "test: run the action the metric names"
            when
                $s : Signal( metric matches "run\\\\..*", $t : tenant, $r : resource, $m : metric )
                not Issue( tenant == $t, resource == $r, type == $m )
            then
                Issue issue = new Issue( $t, $r, $m, Severity.HIGH, "test", $s.getTime(), drools.getRule().getName(), $m );
                insert( issue );
                insert( Proposal.strategy( issue, 1, $m.substring( 4 ), drools.getRule().getName() ) );
            end
            """;

    @TempDir
    Path directory;

    private static JsonNode plugin(TestApp app, String id) throws Exception {
        for (JsonNode plugin : app.getJson("/api/v1/plugins").get("plugins")) {
            if (plugin.get("id").asText().equals(id)) {
                return plugin;
            }
        }
        return null;
    }

    private static JsonNode awaitRemediation(TestApp app, String resource) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode page = app.getJson("/api/v1/remediations?resource=" + resource);
            assertThat(page.get("total").asInt()).isEqualTo(1);
            found[0] = page.get("items").get(0);
            assertThat(found[0].get("state").asText()).isIn("succeeded", "failed");
        });
        return found[0];
    }

    @Test
    void jarsComeAndGoWithoutARestart() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
             TestApp app = TestApp.builder(directory, database).rule("run.drl", RULES).plugins("reloadDebounce", "200ms")
                     .pluginSettings("faulty-test", Map.of("slowMillis", 3_000)).start()) {
            Path plugins = directory.resolve("plugins");
            assertThat(plugin(app, "faulty-test")).isNull();

            // Dropped in: loaded, started, offered to the rules.
            Files.copy(TestApp.faultyPluginJar(), plugins.resolve("faulty.jar"));
            await().atMost(Duration.ofSeconds(20)).until(() -> plugin(app, "faulty-test") != null);
            assertThat(plugin(app, "faulty-test").get("actions").findValuesAsText("id")).contains("faulty.slow", "faulty.flaky");

            // A plugin bundling jackson-core 2.12.7 runs with its own, beside the service's newer Jackson.
            Files.copy(TestApp.testPluginJar("isolation-test"), plugins.resolve("isolation.jar"));
            await().atMost(Duration.ofSeconds(20)).until(() -> plugin(app, "isolation-test") != null);
            app.signals(TestApp.signal("service:iso", "run.isolation.jackson", 1));
            JsonNode isolated = awaitRemediation(app, "service:iso");
            assertThat(isolated.get("state").asText()).isEqualTo("succeeded");
            assertThat(isolated.get("details").get("jacksonVersion").asText()).isEqualTo("2.12.7");
            assertThat(isolated.get("details").get("loadedByPlugin").asText()).isEqualTo("true");
            assertThat(com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString()).isNotEqualTo("2.12.7");

            // A corrupt jar and one built for plugin API 2 are rejected with their reasons; nothing else changes.
            Files.write(plugins.resolve("corrupt.jar"), new byte[] {1, 2, 3, 4, 5});
            PluginJars.copy(PluginJars.shipped("http"), plugins.resolve("future.jar"),
                    Map.of("Plugin-Id", "future", "Plugin-Requires", ">=2.0.0 & <3.0.0"), name -> true);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(app.getJson("/api/v1/plugins").get("rejected")
                    .toString()).contains("corrupt.jar: cannot be loaded", "future.jar: future not started"));
            assertThat(app.getJson("/api/v1/plugins").get("rejected").toString()).contains("this service has " + io.homeostat.plugin.api.PluginApi.VERSION);
            JsonNode health = TestApp.parse(app.get(app.admin("/healthcheck")).body()).get("plugins");
            // Degraded, not down: the other plugins serve, and the reason is the jar's real problem.
            assertThat(health.get("healthy").asBoolean()).isTrue();
            assertThat(health.get("degraded").asBoolean()).isTrue();
            assertThat(health.get("message").asText()).startsWith("DEGRADED").contains("corrupt.jar: cannot be loaded: not a readable jar (zip END header not found)");
            assertThat(app.get(app.admin("/healthcheck")).statusCode()).isEqualTo(200);
            assertThat(app.getJson("/api/v1/plugins").get("plugins").findValuesAsText("id"))
                    .contains("process", "http", "notify", "faulty-test", "isolation-test");

            // Replaced while one of its actions runs: that action finishes on the old version; the new one takes over.
            app.signals(TestApp.signal("service:slow", "run.faulty.slow", 1));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    app.getJson("/api/v1/remediations?resource=service:slow&state=running").get("total").asInt() == 1);
            Path replacement = PluginJars.copy(TestApp.faultyPluginJar(), directory.resolve("faulty-2.jar"),
                    Map.of("Plugin-Version", "2.0.0"), name -> true);
            Files.move(replacement, plugins.resolve("faulty.jar"), StandardCopyOption.REPLACE_EXISTING);
            await().atMost(Duration.ofSeconds(20)).until(() -> "2.0.0".equals(plugin(app, "faulty-test").get("version").asText()));
            JsonNode slow = awaitRemediation(app, "service:slow");
            assertThat(slow.get("state").asText()).as(slow.toString()).isEqualTo("succeeded");
            assertThat(slow.get("message").asText()).isEqualTo("slowly done");

            // Disabled: still loaded, its actions no longer offered; persisted; enabled again.
            HttpResponse<String> disabled = app.post("/api/v1/plugins/faulty-test/disable", "{\"reason\":\"suspect\"}");
            assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
            assertThat(TestApp.parse(disabled.body()).get("enabled").asBoolean()).isFalse();
            app.signals(TestApp.signal("service:off", "run.faulty.introspect", 1));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(app.getJson("/api/v1/issues?resource=service:off")
                    .get("items").get(0).get("state").asText()).isEqualTo("escalated"));
            assertThat(app.post("/api/v1/plugins/faulty-test/enable", "{\"reason\":\"cleared\"}").statusCode()).isEqualTo(200);
            assertThat(app.post("/api/v1/plugins/nope/enable", "{\"reason\":\"x\"}").statusCode()).isEqualTo(404);
            assertThat(app.post("/api/v1/plugins/faulty-test/disable", "{}").statusCode()).isEqualTo(422);

            // Removed: its actions are withdrawn.
            Files.delete(plugins.resolve("faulty.jar"));
            await().atMost(Duration.ofSeconds(20)).until(() -> plugin(app, "faulty-test") == null);
            app.signals(TestApp.signal("service:gone", "run.faulty.introspect", 1));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(app.getJson("/api/v1/issues?resource=service:gone")
                    .get("total").asInt()).isEqualTo(1));
            String issueId = app.getJson("/api/v1/issues?resource=service:gone").get("items").get(0).get("id").asText();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(app.getJson("/api/v1/issues/" + issueId)
                    .get("decisions").findValuesAsText("reason")).contains("action-available: no loaded plugin provides faulty.introspect"));
            List<String> left = app.getJson("/api/v1/plugins").get("plugins").findValuesAsText("id");
            assertThat(left).contains("process", "http", "notify", "isolation-test").doesNotContain("faulty-test");
        }
    }
}
