package io.homeostat.plugin.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginSettingsTest {
    private final PluginSettings settings = new PluginSettings("plugins.settings.demo", Map.of(
            "resources", Map.of("service:a", Map.of("command", List.of("sleep", "5"), "stopTimeoutSeconds", "1.5")),
            "count", "abc",
            "name", List.of("x")));

    @Test
    void readsNestedValues() {
        PluginSettings entry = settings.section("resources").section("service:a");
        assertThat(entry.path()).isEqualTo("plugins.settings.demo.resources.\"service:a\"");
        assertThat(entry.stringList("command")).containsExactly("sleep", "5");
        assertThat(entry.seconds("stopTimeoutSeconds", Duration.ZERO)).isEqualTo(Duration.ofMillis(1500));
        assertThat(entry.seconds("missing", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.section("absent").keys()).isEmpty();
    }

    @Test
    void emptyYamlEntriesCountAsAbsent() {
        java.util.Map<String, Object> values = new java.util.HashMap<>();
        values.put("url", null);
        PluginSettings withNull = new PluginSettings("plugins.settings.x", values);
        assertThat(withNull.has("url")).isFalse();
        assertThat(withNull.string("url")).isEmpty();
    }

    @Test
    void wrongTypesNameTheFullPath() {
        assertThatThrownBy(() -> settings.integer("count", 1, 0, 10))
                .hasMessage("plugins.settings.demo.count must be a whole number between 0 and 10, was 'abc'");
        assertThatThrownBy(() -> settings.string("name"))
                .hasMessageContaining("plugins.settings.demo.name must be a string");
        assertThatThrownBy(() -> settings.section("count"))
                .hasMessageContaining("plugins.settings.demo.count must be a map");
        assertThatThrownBy(() -> settings.requiredString("url"))
                .hasMessage("plugins.settings.demo.url is required");
    }

    @Test
    void environmentVariablesAreReadAtTheCallAndAMissingOneIsNamed() {
        String path = System.getenv("PATH");
        assertThat(PluginSettings.withEnvironment("Bearer ${env:PATH}; literal ${x}")).isEqualTo("Bearer " + path + "; literal ${x}");
        assertThatThrownBy(() -> PluginSettings.withEnvironment("${env:HOMEOSTAT_SURELY_UNSET_VARIABLE}"))
                .hasMessage("environment variable HOMEOSTAT_SURELY_UNSET_VARIABLE is not set");
    }
}
