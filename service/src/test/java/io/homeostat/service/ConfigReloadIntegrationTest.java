package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /tasks/reload-config}: the file is read again and validated whole; policy numbers and
 * collector targets change without a restart and the gates use the new numbers at once; a setting that
 * needs a restart is named and not applied; a file with a mistake is rejected with its path and nothing
 * changes.
 */
class ConfigReloadIntegrationTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path directory;

    @Test
    @SuppressWarnings("unchecked")
    void appliesPolicyAndCollectorTargetsNamesWhatNeedsARestartAndRejectsMistakesWithTheirPath() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
             TestApp app = TestApp.builder(directory, database).withFaultyPlugin()
                     .rule("reload-test.drl", RestartIntegrationTest.RULES)
                     .pluginSettings("faulty-test", Map.of("slowMillis", 20_000))
                     .policy("rateLimits", Map.of("perTenantPerMinute", 3))
                     .execution("shutdownGrace", "1s")
                     .start()) {
            assertThat(perTenantPerMinute(app)).isEqualTo(3);
            Path file = directory.resolve("config.yml");
            String original = Files.readString(file);

            // Without a key the admin port's task still needs to know who: it is audited.
            assertThat(task(app, "").statusCode()).isGreaterThanOrEqualTo(400);

            // A mistake, and a collector no plugin provides: rejected with their paths; nothing changes.
            edit(file, config -> policy(config).put("rateLimits", Map.of("perTenantPerMinute", -1)));
            HttpResponse<String> refused = task(app, "?by=ops");
            assertThat(refused.statusCode()).isGreaterThanOrEqualTo(400);
            assertThat(refused.body()).contains("policy.rateLimits.perTenantPerMinute").contains("was not applied");
            Files.writeString(file, original);
            edit(file, config -> ((Map<String, Object>) config.get("collectors")).put("targets",
                    List.of(Map.of("collector", "host.metrix", "resource", "host:this", "interval", "1s"))));
            refused = task(app, "?by=ops");
            assertThat(refused.body()).contains("collectors.targets[0] (host.metrix on host:this).collector: no loaded plugin provides");
            Files.writeString(file, original);
            Files.writeString(file, "policy: [this is: not: yaml", java.nio.file.StandardOpenOption.APPEND);
            assertThat(task(app, "?by=ops").statusCode()).isGreaterThanOrEqualTo(400);
            assertThat(perTenantPerMinute(app)).as("nothing applied").isEqualTo(3);

            // Policy and a collector target applied; a thread-pool size needs a restart and is said so.
            Files.writeString(file, original);
            edit(file, config -> {
                policy(config).put("rateLimits", Map.of("perTenantPerMinute", 1));
                ((Map<String, Object>) config.get("collectors")).put("targets",
                        List.of(Map.of("collector", "host.metrics", "resource", "host:this", "interval", "1s", "timeout", "900ms")));
                ((Map<String, Object>) config.get("execution")).put("maxConcurrent", 3);
            });
            HttpResponse<String> applied = task(app, "?by=ops&reason=tighter%20limit%20during%20the%20migration");
            assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
            assertThat(applied.body()).contains("applied: policy.rateLimits.perTenantPerMinute, collectors.targets")
                    .contains("needs a restart (not applied): execution.maxConcurrent");
            assertThat(perTenantPerMinute(app)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> TestApp.parse(app.get(app.admin("/metrics")).body()).path("meters")
                    .path("homeostat.collectors.host_metrics.runs").path("count").asLong() > 0);

            // The gates count against the new number at once: of three storm issues, one runs.
            app.signals(storm("service:s1"), storm("service:s2"), storm("service:s3"));
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(app.getJson("/api/v1/deferred").get("items").findValuesAsText("gate")).containsExactly("rate.tenant", "rate.tenant"));
            assertThat(app.getJson("/api/v1/deferred").get("items").get(0).get("reason").asText()).contains("1 of 1");
            assertThat(app.getJson("/api/v1/remediations").get("total").asInt()).isEqualTo(1);

            // Audited, with what was applied and what waits.
            JsonNode audited = app.getJson("/api/v1/audit?kind=config.reload").get("items");
            assertThat(audited).hasSize(1);
            assertThat(audited.get(0).get("actor").asText()).isEqualTo("ops");
            assertThat(audited.get(0).get("detail").asText()).contains("execution.maxConcurrent");

            // The same file again: the part that needs a restart is still named, nothing else changes.
            assertThat(task(app, "?by=ops").body()).contains("applied: nothing").contains("execution.maxConcurrent");
        }
    }

    private static String storm(String resource) {
        return "{\"resource\":\"" + resource + "\",\"metric\":\"test.storm\",\"value\":1,\"source\":\"test\"}";
    }

    private static int perTenantPerMinute(TestApp app) throws Exception {
        for (JsonNode tenant : app.getJson("/api/v1/tenants").get("items")) {
            if (tenant.get("tenant").asText().equals("default")) {
                return tenant.get("perTenantPerMinute").asInt();
            }
        }
        throw new AssertionError("no default tenant");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> policy(Map<String, Object> config) {
        return (Map<String, Object>) config.get("policy");
    }

    @SuppressWarnings("unchecked")
    private static void edit(Path file, Consumer<Map<String, Object>> change) throws Exception {
        Map<String, Object> config = YAML.readValue(file.toFile(), Map.class);
        change.accept(config);
        YAML.writeValue(file.toFile(), config);
    }

    private static HttpResponse<String> task(TestApp app, String query) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.admin("/tasks/reload-config" + query)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
