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
                    "c-empty.jar: empty provides no RemediationAction extension");
            assertThat(registry.action("process.restart")).hasValueSatisfying(action -> assertThat(action.pluginId()).isEqualTo("process"));
        } finally {
            registry.stop();
        }
    }
}
