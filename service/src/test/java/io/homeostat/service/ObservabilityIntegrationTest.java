package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin port's /prometheus after a real remediation and a real escalation: the labelled metrics
 * carry their dimensions, and every Homeostat metric that the shipped alert rules
 * (deploy/prometheus/homeostat-rules.yml) and Grafana dashboard (deploy/grafana/homeostat.json) read is
 * one the service exports, so neither can silently watch a name that does not exist.
 */
class ObservabilityIntegrationTest {
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final Pattern HOMEOSTAT_METRIC = Pattern.compile("homeostat_[a-z0-9_]+");

    @TempDir
    Path directory;

    @Test
    void theLabelledMetricsAreExportedAndEveryMetricTheRulesAndDashboardReadExists() throws Exception {
        Path logs = Files.createDirectories(directory.resolve("var-log-app"));
        Files.writeString(logs.resolve("access.log"), "GET / 200\n".repeat(20_000));
        HttpServer webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        webhook.createContext("/escalations", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
             TestApp app = TestApp.builder(directory, database).rule("escalation-test.drl", EscalationRedeliveryIntegrationTest.RULES)
                     .pluginSettings("disk", Map.of("directories", Map.of("app-logs", Map.of("path", logs.toString(), "rotateMinKib", 64)),
                             "resources", Map.of("disk:web-1:/var", List.of("app-logs"))))
                     .pluginSettings("notify", Map.of("url", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/escalations"))
                     // A collector whose readings open nothing (its target answers), so its own metrics are there.
                     .collector(Map.of("collector", "probe.tcp", "resource", "service:webhook", "interval", "1s", "timeout", "900ms",
                             "settings", Map.of("host", "127.0.0.1", "port", webhook.getAddress().getPort())))
                     .start()) {
            app.signals(TestApp.signal("disk:web-1:/var", "disk.used_percent", 97.5),
                    "{\"resource\":\"service:checkout\",\"metric\":\"test.critical\",\"value\":1,\"source\":\"test\"}");
            HealingLoopIntegrationTest.awaitRemediation(app, "succeeded");
            String[] scrape = new String[1];
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                scrape[0] = app.get(app.admin("/prometheus")).body();
                assertThat(scrape[0]).contains("homeostat_escalation_deliveries_total{channel=\"notify.webhook\",result=\"sent\",severity=\"critical\"} 1.0");
            });
            String text = scrape[0];
            // Kept for whoever edits the rules or the dashboard: what a scrape holds.
            Files.writeString(Files.createDirectories(Path.of("target")).resolve("prometheus-scrape.txt"), text);
            assertThat(text)
                    .contains("homeostat_remediations_total{action=\"disk.rotate\",issue_type=\"disk_full\",result=\"succeeded\"} 1.0")
                    .contains("homeostat_remediation_duration_seconds_bucket{action=\"disk.rotate\",le=\"+Inf\"} 1")
                    .contains("homeostat_decisions_total{gate=\"none\",outcome=\"run\"} 1.0")
                    .contains("homeostat_issues_opened_total{severity=\"critical\",type=\"test.critical\"} 1.0")
                    .contains("homeostat_queue_capacity ")
                    .contains("homeostat_collector_runs_total{collector=\"probe.tcp\",result=\"ok\"}")
                    .containsPattern("homeostat_decisions_total\\{gate=\"action-available\",outcome=\"blocked\"} 1.0");

            Set<String> exported = new TreeSet<>();
            for (String line : text.lines().toList()) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    exported.add(line.split("[{ ]", 2)[0]);
                }
            }
            for (Path asset : List.of(DEPLOY.resolve("prometheus/homeostat-rules.yml"), DEPLOY.resolve("grafana/homeostat.json"))) {
                Matcher used = HOMEOSTAT_METRIC.matcher(Files.readString(asset));
                Set<String> missing = new TreeSet<>();
                while (used.find()) {
                    String name = used.group();
                    // Exported only with intake.mode: kafka; KafkaIntegrationTest checks those against a replica on Kafka.
                    if (!name.startsWith("homeostat_kafka_") && exported.stream().noneMatch(sample -> sample.equals(name) || sample.equals(name + "_total")
                            || sample.startsWith(name + "_bucket") || sample.equals(name + "_count") || sample.equals(name + "_sum"))) {
                        missing.add(name);
                    }
                }
                assertThat(missing).as(asset + " reads metrics the service does not export; it exports " + exported).isEmpty();
            }
        } finally {
            webhook.stop(0);
        }
    }
}
