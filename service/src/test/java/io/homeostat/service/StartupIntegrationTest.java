package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fail fast and loudly at start-up: a broken rule file or plugin jar stops the service with the reason. */
class StartupIntegrationTest {
    @TempDir
    Path directory;

    @Test
    void aRuleFileWithASyntaxErrorStopsStartUpWithFileAndLine() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory)) {
            var support = TestApp.builder(directory, database)
                    .rule("broken.drl", "package homeostat.rules;\n\nrule \"oops\"\nwhen\n    Signal( metric == \nthen\nend\n")
                    .prepare();
            assertThatThrownBy(support::before)
                    .hasStackTraceContaining("rules do not compile (1 problem)")
                    .hasStackTraceContaining("broken.drl:7: [ERR 102] Line 7:0 mismatched input 'end' in rule \"oops\"");
            support.after();
        }
    }

    @Test
    void aCorruptPluginJarStopsStartUpWithItsName() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory)) {
            var support = TestApp.builder(directory, database).prepare();
            Files.writeString(directory.resolve("plugins").resolve("corrupt-plugin.jar"), "this is not a zip file");
            assertThatThrownBy(support::before)
                    .hasStackTraceContaining("plugins failed to load")
                    .hasStackTraceContaining("corrupt-plugin.jar");
            support.after();
        }
    }

    @Test
    void aPluginSettingThatCannotWorkStopsStartUpWithItsPath() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory)) {
            var support = TestApp.builder(directory, database).pluginSettings("notify", java.util.Map.of("url", "chat.example.test"))
                    .prepare();
            assertThatThrownBy(support::before)
                    .hasStackTraceContaining("plugins failed to load")
                    .hasStackTraceContaining("plugins.settings.notify.url must be an http:// or https:// URL, was 'chat.example.test'");
            support.after();
        }
    }
}
