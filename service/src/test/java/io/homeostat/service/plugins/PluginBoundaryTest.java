package io.homeostat.service.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.testing.TestActionContext;
import io.homeostat.service.testing.PluginJars;
import io.homeostat.service.testing.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-loader boundary, from inside a real plugin jar: the isolation-test plugin asks for classes
 * by name and reports which it could load.
 */
class PluginBoundaryTest {
    @TempDir
    Path directory;

    @Test
    void aPluginSeesThePluginApiPf4jAndTheJdkButNotTheServiceOrItsLibraries() throws Exception {
        Files.copy(TestApp.testPluginJar("isolation-test"), directory.resolve("isolation.jar"));
        PluginRegistry registry = new PluginRegistry(directory);
        try {
            assertThat(registry.load()).isEmpty();
            ActionResult reach = run(registry, "isolation.reach");
            assertThat(reach.succeeded()).isTrue();
            // The service's own classes and libraries the plugin does not bundle (the service has both on its class path).
            assertThat(reach.details()).containsEntry("io.homeostat.service.HomeostatApplication", "hidden")
                    .containsEntry("com.fasterxml.jackson.databind.ObjectMapper", "hidden")
                    .containsEntry("org.drools.core.common.InternalFactHandle", "hidden");
            assertThat(Class.forName("com.fasterxml.jackson.databind.ObjectMapper")).isNotNull();
            // What a plugin is built against, and the JDK's modules outside java.base.
            assertThat(reach.details()).containsEntry("io.homeostat.plugin.api.RemediationAction", "visible")
                    .containsEntry("org.pf4j.Extension", "visible")
                    .containsEntry("java.net.http.HttpClient", "visible")
                    .containsEntry("javax.sql.DataSource", "visible");
            // The jackson-core it bundles is its own, beside the service's newer one.
            ActionResult jackson = run(registry, "isolation.jackson");
            assertThat(jackson.details()).containsEntry("jacksonVersion", "2.12.7").containsEntry("loadedByPlugin", "true");
        } finally {
            registry.stop();
        }
    }

    @Test
    void aJarThatBundlesThePluginApiStillGetsTheServicesCopy() throws Exception {
        // A careless build that shades the plugin API in would otherwise get its own copy, and its actions
        // would fail with a ClassCastException at their first call.
        Path api = Path.of(io.homeostat.plugin.api.RemediationAction.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        PluginJars.copyWithClassesFrom(TestApp.testPluginJar("isolation-test"), directory.resolve("bundled.jar"), api);
        PluginRegistry registry = new PluginRegistry(directory);
        try {
            assertThat(registry.load()).isEmpty();
            LoadedAction action = registry.action("isolation.reach").orElseThrow();
            assertThat(action.action()).isInstanceOf(io.homeostat.plugin.api.RemediationAction.class);
            assertThat(run(registry, "isolation.reach").details()).containsEntry("io.homeostat.service.HomeostatApplication", "hidden");
        } finally {
            registry.stop();
        }
    }

    private static ActionResult run(PluginRegistry registry, String id) throws Exception {
        LoadedAction action = registry.action(id).orElseThrow();
        return action.action().execute(new TestActionContext("service:iso", Map.of(), new PluginSettings("plugins.settings.isolation-test",
                Map.of()), Duration.ofSeconds(5)));
    }
}
