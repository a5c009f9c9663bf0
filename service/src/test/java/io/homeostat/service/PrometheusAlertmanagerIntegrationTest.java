package io.homeostat.service;

import static io.homeostat.service.HealingLoopIntegrationTest.awaitHealthy;
import static io.homeostat.service.HealingLoopIntegrationTest.awaitRemediation;
import static io.homeostat.service.HealingLoopIntegrationTest.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.DemoService;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole path on real parts: a real process serving /metrics and /health, a real Prometheus
 * scraping it every second, a real Alertmanager posting to Homeostat with an ingest key. kill -9
 * the process: the alert fires, Alertmanager notifies, the process plugin restarts it, the alert
 * resolves, the issue resolves. Debian's {@code prometheus} and {@code prometheus-alertmanager}
 * (.ci/run installs them); without them this is skipped, saying which package is missing.
 */
class PrometheusAlertmanagerIntegrationTest {
    @TempDir
    Path directory;

    private final List<Process> started = new ArrayList<>();

    /**
     * Starts a server on a free port, {@code command} given the port; again on another port if the one
     * chosen was taken meanwhile (an outgoing connection can take an ephemeral port between the two).
     */
    private int startListening(Path log, java.util.function.IntFunction<List<String>> command) throws Exception {
        for (int attempt = 0; ; attempt++) {
            int port = freePort();
            Process process = new ProcessBuilder(command.apply(port)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            started.add(process);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && process.isAlive()) {
                try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                    return port;
                } catch (java.io.IOException notYet) {
                    Thread.sleep(100);
                }
            }
            assertThat(attempt).as("could not start " + command.apply(port) + ":\n" + Files.readString(log)).isLessThan(2);
            process.destroyForcibly();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aRealAlertRestartsTheProcessAndItsResolutionResolvesTheIssue(TestDatabase.Kind kind) throws Exception {
        assumeTrue(DeployAssetsIntegrationTest.installed("prometheus"), "prometheus is not installed (Debian package prometheus)");
        assumeTrue(DeployAssetsIntegrationTest.installed("prometheus-alertmanager"),
                "prometheus-alertmanager is not installed (Debian package prometheus-alertmanager)");
        int demoPort = freePort();
        Path pidFile = directory.resolve("demo.pid");
        List<String> command = DemoService.command(demoPort);
        Process original = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(original);
        Files.writeString(pidFile, Long.toString(original.pid()));
        try (TestDatabase database = TestDatabase.create(kind, directory);
             TestApp app = TestApp.builder(directory, database)
                     .pluginSettings("process", Map.of("resources", Map.of("service:demo", Map.of(
                             "command", command, "pidFile", pidFile.toString(), "logFile", directory.resolve("demo.log").toString(),
                             "healthUrl", "http://127.0.0.1:" + demoPort + "/health", "stopTimeoutSeconds", 5, "startTimeoutSeconds", 30))))
                     .alertmanager("mappings", List.of(Map.of("matchers", List.of("alertname=\"DemoDown\""),
                             "resource", "service:{{labels.job}}", "issueType", "service_down")))
                     .policy("resolveQuietPeriod", "2s")
                     .policy("verification", Map.of("deadline", "60s"))
                     .start()) {
            awaitHealthy("http://127.0.0.1:" + demoPort + "/health", app);
            Path key = directory.resolve("ingest.key");
            Files.writeString(key, app.createKey("alertmanager", "ingest", "default"));

            Path alertmanagerYml = directory.resolve("alertmanager.yml");
            Files.writeString(alertmanagerYml, """
                    route:
                      receiver: homeostat
                      group_by: ['alertname', 'job']
                      group_wait: 1s
                      group_interval: 1s
                      repeat_interval: 1h
                    receivers:
                      - name: homeostat
                        webhook_configs:
                          - url: %s
                            send_resolved: true
                            http_config:
                              authorization:
                                type: Bearer
                                credentials_file: %s
                    """.formatted(app.api("/api/v1/alertmanager"), key));
            Files.writeString(directory.resolve("rules.yml"), """
                    groups:
                      - name: demo
                        rules:
                          - alert: DemoDown
                            expr: up{job="demo"} == 0
                            labels:
                              severity: high
                            annotations:
                              summary: "demo does not answer its scrape"
                    """);
            int alertmanagerPort = startListening(directory.resolve("alertmanager.log"), port -> List.of("prometheus-alertmanager",
                    "--config.file=" + alertmanagerYml, "--storage.path=" + directory.resolve("am-data"),
                    "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address="));
            Path prometheusYml = directory.resolve("prometheus.yml");
            Files.writeString(prometheusYml, """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 500ms
                      evaluation_interval: 1s
                    rule_files: ['%s']
                    alerting:
                      alertmanagers:
                        - static_configs:
                            - targets: ['127.0.0.1:%d']
                    scrape_configs:
                      - job_name: demo
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(directory.resolve("rules.yml"), alertmanagerPort, demoPort));
            int prometheusPort = startListening(directory.resolve("prometheus.log"), port -> List.of("prometheus",
                    "--config.file=" + prometheusYml, "--storage.tsdb.path=" + directory.resolve("prom-data"),
                    "--web.listen-address=127.0.0.1:" + port));
            String up = "http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
                    + URLEncoder.encode("up{job=\"demo\"}", StandardCharsets.UTF_8);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> assertThat(
                    TestApp.parse(app.getAs(null, up).body()).at("/data/result/0/value/1").asText())
                    .as(Files.readString(directory.resolve("prometheus.log"))).isEqualTo("1"));

            original.destroyForcibly();
            JsonNode remediation = awaitRemediation(app, "succeeded");
            assertThat(remediation.get("actionId").asText()).isEqualTo("process.restart");
            long newPid = Long.parseLong(Files.readString(pidFile).trim());
            assertThat(newPid).isNotEqualTo(original.pid());
            String issueId = remediation.get("issueId").asText();
            JsonNode issue = app.getJson("/api/v1/issues/" + issueId).get("issue");
            assertThat(issue.get("type").asText()).isEqualTo("service_down");
            assertThat(issue.get("reporters").toString()).contains("alertmanager");
            assertThat(issue.get("summary").asText()).isEqualTo("DemoDown: demo does not answer its scrape");

            // Prometheus scrapes the new process, the alert resolves, Alertmanager says so, the issue resolves.
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    app.getJson("/api/v1/issues/" + issueId).get("issue").get("state").asText())
                    .as(Files.readString(directory.resolve("alertmanager.log"))).isEqualTo("resolved"));
            assertThat(app.getJson("/api/v1/alerts?status=resolved").get("total").asInt()).isEqualTo(1);
            assertThat(app.getJson("/api/v1/remediations").get("total").asInt()).as("one restart").isEqualTo(1);
            ProcessHandle.of(newPid).ifPresent(ProcessHandle::destroyForcibly);
        } finally {
            for (Process process : started) {
                if (process != null) {
                    process.destroy();
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                }
            }
            if (Files.exists(pidFile)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void thePrometheusQueryCollectorReportsOneReadingPerSeriesWithItsResourceFromItsLabels() throws Exception {
        assumeTrue(DeployAssetsIntegrationTest.installed("prometheus"), "prometheus is not installed (Debian package prometheus)");
        int demoPort = freePort();
        Process demo = new ProcessBuilder(DemoService.command(demoPort)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(demo);
        try {
            Path prometheusYml = directory.resolve("prometheus.yml");
            Files.writeString(prometheusYml, """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 500ms
                    scrape_configs:
                      - job_name: demo
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(demoPort));
            int prometheusPort = startListening(directory.resolve("prometheus.log"), port -> List.of("prometheus",
                    "--config.file=" + prometheusYml, "--storage.tsdb.path=" + directory.resolve("prom-data"),
                    "--web.listen-address=127.0.0.1:" + port));
            String prometheus = "http://127.0.0.1:" + prometheusPort;
            try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
                 TestApp app = TestApp.builder(directory, database).rule("collected.drl", CollectorsIntegrationTest.RULES)
                         .collector(Map.of("collector", "prometheus.query", "resource", "service:prometheus", "interval", "500ms",
                                 "timeout", "450ms", "settings", Map.of("url", prometheus, "query", "demo_pid",
                                         "metric", "demo.pid", "resource", "service:{{labels.job}}")))
                         .collector(Map.of("collector", "prometheus.query", "resource", "service:prometheus-bad", "interval", "500ms",
                                 "timeout", "450ms", "settings", Map.of("url", prometheus, "query", "demo_pid{", "metric", "demo.bad")))
                         .start()) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    assertThat(CollectorsIntegrationTest.seen(app, "service:demo", "demo.pid"))
                            .startsWith("demo.pid=" + (double) demo.pid() + " collector:prometheus.query")
                            .contains("instance=127.0.0.1:" + demoPort);
                    assertThat(CollectorsIntegrationTest.seen(app, "service:prometheus", "prometheus.up")).startsWith("prometheus.up=1.0");
                    assertThat(CollectorsIntegrationTest.seen(app, "service:prometheus-bad", "prometheus.up"))
                            .as("a query Prometheus refuses is a failed collection").startsWith("prometheus.up=0.0");
                });
            }
        } finally {
            for (Process process : started) {
                process.destroyForcibly();
            }
        }
    }
}
