package io.homeostat.plugins.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.Reading;
import io.homeostat.plugin.api.testing.TestCollectorContext;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prometheus.query against a real Prometheus (Debian's, which .ci/run installs) scraping itself. */
class PrometheusQueryTest {
    @TempDir
    Path directory;

    @Test
    void eachSeriesOfTheAnswerIsAReadingOfTheResourceItsLabelsName() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path config = Files.writeString(directory.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s}
                scrape_configs:
                  - job_name: self
                    static_configs: [{targets: ["127.0.0.1:%d"]}]
                """.formatted(port));
        Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + directory.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true).redirectOutput(directory.resolve("prometheus.log").toFile())
                .start();
        try {
            PrometheusQuery query = new PrometheusQuery();
            PluginSettings settings = new PluginSettings("collectors.targets[0].settings", Map.of("url", "http://127.0.0.1:" + port,
                    "query", "up", "metric", "target.up", "resource", "service:{{labels.job}}"));
            assertThat(query.validate(settings)).isEmpty();
            List<Reading> readings = List.of();
            Instant until = Instant.now().plusSeconds(30);
            while (Instant.now().isBefore(until)) {
                try (Socket ignored = new Socket("127.0.0.1", port)) {
                    readings = query.collect(new TestCollectorContext("service:prometheus", settings, Duration.ofSeconds(5)));
                    if (readings.stream().anyMatch(r -> r.metric().equals("target.up"))) {
                        break;
                    }
                } catch (java.io.IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(250);
            }
            assertThat(readings).as(Files.readString(directory.resolve("prometheus.log"))).anySatisfy(r -> {
                assertThat(r.metric()).isEqualTo("target.up");
                assertThat(r.resource()).isEqualTo("service:self");
                assertThat(r.value()).isEqualTo(1.0);
                assertThat(r.labels()).containsEntry("job", "self");
            });
            PluginSettings refused = new PluginSettings("collectors.targets[0].settings", Map.of("url", "http://127.0.0.1:" + port,
                    "query", "up{", "metric", "target.up"));
            assertThatThrownBy(() -> query.collect(new TestCollectorContext("service:prometheus", refused, Duration.ofSeconds(5))))
                    .hasMessageContaining("parse error");
        } finally {
            prometheus.destroy();
        }
    }
}
