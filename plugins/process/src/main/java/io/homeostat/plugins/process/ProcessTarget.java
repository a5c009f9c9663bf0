package io.homeostat.plugins.process;

import io.homeostat.plugin.api.PluginSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One allow-listed resource: how to find its running process and how to start it again. Comes
 * only from the operator's configuration, so nothing a signal says is ever executed.
 */
record ProcessTarget(
        String resource,
        List<String> command,
        List<String> restartCommand,
        Optional<Path> pidFile,
        Optional<Path> workingDirectory,
        Optional<Path> logFile,
        Map<String, String> environment,
        Optional<String> healthUrl,
        Duration stopTimeout,
        Duration startTimeout,
        Duration settleTime) {

    static Optional<ProcessTarget> find(PluginSettings settings, String resource) {
        PluginSettings resources = settings.section("resources");
        if (!resources.has(resource)) {
            return Optional.empty();
        }
        PluginSettings entry = resources.section(resource);
        List<String> command = entry.stringList("command");
        List<String> restartCommand = entry.stringList("restartCommand");
        if (command.isEmpty() == restartCommand.isEmpty()) {
            throw new IllegalArgumentException(entry.path() + " needs exactly one of 'command' (argv that starts the process, "
                    + "with pidFile) or 'restartCommand' (argv such as systemctl restart UNIT)");
        }
        Optional<Path> pidFile = entry.string("pidFile").map(Path::of);
        if (!command.isEmpty() && pidFile.isEmpty()) {
            throw new IllegalArgumentException(entry.path() + ".pidFile is required with 'command': it is how the running process is found");
        }
        return Optional.of(new ProcessTarget(
                resource,
                command,
                restartCommand,
                pidFile,
                entry.string("workingDirectory").map(Path::of),
                entry.string("logFile").map(Path::of),
                entry.stringMap("environment"),
                entry.string("healthUrl"),
                entry.seconds("stopTimeoutSeconds", Duration.ofSeconds(10)),
                entry.seconds("startTimeoutSeconds", Duration.ofSeconds(30)),
                entry.seconds("settleSeconds", Duration.ofMillis(500))));
    }
}
