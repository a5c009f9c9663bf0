package io.homeostat.service.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.testing.PluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loads real plugin jars: the ones the build produced and variants of them built here. */
class PluginRegistryTest {
    @TempDir
    Path directory;

    @Test
    void loadsTheShippedPluginsAndIndexesTheirActions() throws Exception {
        Files.copy(PluginJars.shipped("process"), directory.resolve("process.jar"));
        Files.copy(PluginJars.shipped("http"), directory.resolve("http.jar"));
        PluginRegistry registry = new PluginRegistry(directory);
        try {
            assertThat(registry.load()).isEmpty();
            assertThat(registry.action("process.restart")).hasValueSatisfying(action -> {
                assertThat(action.pluginId()).isEqualTo("process");
                assertThat(action.classLoader()).isNotSameAs(getClass().getClassLoader());
                assertThat(action.action().getClass().getClassLoader()).isSameAs(action.classLoader());
            });
            assertThat(registry.availableActions()).extracting(AvailableAction::id).containsExactlyInAnyOrder("process.restart", "http.call");
            assertThat(registry.status().started()).isEqualTo(2);
        } finally {
            registry.stop();
        }
        assertThat(registry.action("process.restart")).isEmpty();
    }

    @Test
    void refusesAPluginBuiltForAnotherApiMajorVersion() throws Exception {
        PluginJars.copy(PluginJars.shipped("process"), directory.resolve("future.jar"),
                Map.of("Plugin-Id", "future", "Plugin-Requires", ">=2.0.0 & <3.0.0"), name -> true);
        PluginRegistry registry = new PluginRegistry(directory);
        try {
            assertThat(registry.load()).singleElement().asString().contains("future").contains("not started");
            assertThat(registry.action("process.restart")).isEmpty();
        } finally {
            registry.stop();
        }
    }

    @Test
    void reportsAPluginWithoutActionsAndADuplicateActionId() throws Exception {
        Files.copy(PluginJars.shipped("process"), directory.resolve("a-process.jar"));
        PluginJars.copy(PluginJars.shipped("process"), directory.resolve("b-copy.jar"), Map.of("Plugin-Id", "process-copy"), name -> true);
        PluginJars.copy(PluginJars.shipped("process"), directory.resolve("c-empty.jar"), Map.of("Plugin-Id", "empty"),
                name -> !name.equals("META-INF/extensions.idx"));
        PluginRegistry registry = new PluginRegistry(directory);
        try {
            // Jars load in name order; the first to claim an action id keeps it, a later jar is rejected whole.
            assertThat(registry.load()).containsExactlyInAnyOrder(
                    "b-copy.jar: action process.restart is already provided by plugin process",
                    "c-empty.jar: empty provides no RemediationAction and no Collector extension");
            assertThat(registry.action("process.restart")).hasValueSatisfying(action -> assertThat(action.pluginId()).isEqualTo("process"));
        } finally {
            registry.stop();
        }
    }

    @Test
    void aPluginWhoseSettingsAreUnusableIsRejectedWhenItLoadsNotWhenItIsFirstCalled() throws Exception {
        Files.copy(PluginJars.shipped("notify"), directory.resolve("notify.jar"));
        Files.copy(PluginJars.shipped("http"), directory.resolve("http.jar"));
        Map<String, Map<String, Object>> bad = Map.of(
                "notify", Map.of("url", "ftp://example.test/escalations"),
                "http", Map.of("endpoints", Map.of("scale", Map.of("method", "FETCH", "url", "http://127.0.0.1:9/x")),
                        "resources", Map.of("service:a", "nowhere")));
        PluginRegistry registry = new PluginRegistry(directory,
                id -> new io.homeostat.plugin.api.PluginSettings("plugins.settings." + id, bad.getOrDefault(id, Map.of())));
        try {
            assertThat(registry.load()).containsExactlyInAnyOrder(
                    "http.jar: http has unusable settings: plugins.settings.http.endpoints.scale.method must be one of "
                            + "[GET, POST, PUT, PATCH, DELETE], was 'FETCH'; plugins.settings.http.resources.service:a names endpoint "
                            + "'nowhere', which plugins.settings.http.endpoints does not define",
                    "notify.jar: notify has unusable settings: plugins.settings.notify.url must be an http:// or https:// URL, "
                            + "was 'ftp://example.test/escalations'");
            assertThat(registry.availableActions()).isEmpty();
        } finally {
            registry.stop();
        }
        PluginRegistry good = new PluginRegistry(directory, id -> new io.homeostat.plugin.api.PluginSettings("plugins.settings." + id,
                id.equals("notify") ? Map.of("url", "https://chat.example.test/hook") : Map.of()));
        try {
            assertThat(good.load()).isEmpty();
            assertThat(good.availableActions()).extracting(AvailableAction::id).containsExactlyInAnyOrder("notify.webhook", "notify.slack", "notify.alertmanager", "http.call");
        } finally {
            good.stop();
        }
    }
}
