package io.homeostat.plugins.config;

import io.homeostat.plugin.api.PluginSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One managed file: the live {@code path}, its {@code desired} source, and an optional
 * {@code reloadCommand} (argv, no shell) run after the file is written or restored, under
 * {@code reloadTimeoutSeconds} (30). The same shape serves the action (under {@code files.<resource>}) and
 * the drift collector (a target's settings).
 */
record ConfigFile(String resource, Path path, DesiredSource desired, List<String> reloadCommand, Duration reloadTimeout) {

    static ConfigFile parse(PluginSettings section, String resource) {
        Path path = Path.of(section.requiredString("path"));
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException(section.path() + ".path must be an absolute path, was '" + path + "'");
        }
        DesiredSource desired = DesiredSource.of(section.section("desired"));
        return new ConfigFile(resource, path, desired, section.stringList("reloadCommand"),
                section.seconds("reloadTimeoutSeconds", Duration.ofSeconds(30)));
    }

    static List<String> validate(PluginSettings settings) {
        List<String> problems = new ArrayList<>();
        PluginSettings files = settings.section("files");
        for (String resource : files.keys()) {
            try {
                parse(files.section(resource), resource);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    static Optional<ConfigFile> of(PluginSettings settings, String resource) {
        PluginSettings files = settings.section("files");
        return files.has(resource) ? Optional.of(parse(files.section(resource), resource)) : Optional.empty();
    }
}
