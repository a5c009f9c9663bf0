package io.homeostat.plugins.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.Reading;
import io.homeostat.plugin.api.testing.TestCollectorContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** host.metrics on this machine, through the plugin API's test context. */
class HostMetricsTest {
    @Test
    void readsThisMachinesCpuMemoryAndTheRootFileSystem() throws Exception {
        HostMetrics host = new HostMetrics();
        PluginSettings settings = new PluginSettings("collectors.targets[0].settings", Map.of("mounts", List.of("/")));
        assertThat(host.validate(settings)).isEmpty();

        List<Reading> readings = host.collect(new TestCollectorContext("host:test", settings, Duration.ofSeconds(10)));

        assertThat(readings).anySatisfy(r -> {
            assertThat(r.metric()).isEqualTo("cpu.utilization");
            assertThat(r.value()).isBetween(0.0, 100.0);
        });
        assertThat(readings).anySatisfy(r -> {
            assertThat(r.metric()).isEqualTo("memory.used_percent");
            assertThat(r.value()).isGreaterThan(0.0).isLessThanOrEqualTo(100.0);
        });
        assertThat(readings).filteredOn(r -> r.metric().equals("disk.used_percent")).singleElement().satisfies(r -> {
            assertThat(r.resource()).isEqualTo("disk:test:/");
            assertThat(r.labels()).containsEntry("mount", "/");
            assertThat(r.value()).isGreaterThan(0.0).isLessThanOrEqualTo(100.0);
        });
    }
}
