package io.homeostat.plugins.process;

import io.homeostat.plugin.api.PluginSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One allow-listed resource: how to find its running process and how to start it again, or the
 * systemd unit to restart, or the command that restarts it. Comes only from the operator's
 * configuration, so nothing a signal says is ever executed.
 */
record ProcessTarget(
        String resource,
        List<String> command,
        List<String> restartCommand,
        Optional<String> unit,
        List<String> systemctl,
        Optional<Path> pidFile,
        Optional<Pattern> commandMatches,
        Optional<Path> workingDirectory,
        Optional<Path> logFile,
        Map<String, String> environment,
        Optional<String> healthUrl,
        Duration stopTimeout,
        Duration startTimeout,
        Duration settleTime) {

    /** A systemd unit name with its type: never an option, a path or a shell word. */
    private static final Pattern UNIT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:_.@\\\\-]{0,250}\\.(service|socket|target|timer|path|mount)");

    static Optional<ProcessTarget> find(PluginSettings settings, String resource) {
        PluginSettings resources = settings.section("resources");
        if (!resources.has(resource)) {
            return Optional.empty();
        }
        PluginSettings entry = resources.section(resource);
        List<String> command = entry.stringList("command");
        List<String> restartCommand = entry.stringList("restartCommand");
        Optional<String> unit = entry.string("unit");
        int ways = (command.isEmpty() ? 0 : 1) + (restartCommand.isEmpty() ? 0 : 1) + (unit.isEmpty() ? 0 : 1);
        if (ways != 1) {
            throw new IllegalArgumentException(entry.path() + " needs exactly one of 'command' (argv that starts the process, with pidFile "
                    + "or commandMatches), 'unit' (a systemd unit, restarted with systemctl) or 'restartCommand' (argv)");
        }
        if (unit.isPresent() && !UNIT.matcher(unit.get()).matches()) {
            throw new IllegalArgumentException(entry.path() + ".unit must be a systemd unit name such as nginx.service, was '" + unit.get() + "'");
        }
        Optional<Path> pidFile = entry.string("pidFile").map(Path::of);
        Optional<Pattern> commandMatches;
        try {
            commandMatches = entry.string("commandMatches").map(Pattern::compile);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(entry.path() + ".commandMatches does not compile: " + e.getDescription());
        }
        if (!command.isEmpty() && pidFile.isPresent() == commandMatches.isPresent()) {
            throw new IllegalArgumentException(entry.path() + " needs exactly one of 'pidFile' and 'commandMatches' with 'command': "
                    + "it is how the running process is found");
        }
        List<String> systemctl = entry.stringList("systemctl");
        return Optional.of(new ProcessTarget(
                resource,
                command,
                restartCommand,
                unit,
                systemctl.isEmpty() ? List.of("systemctl") : systemctl,
                pidFile,
                commandMatches,
                entry.string("workingDirectory").map(Path::of),
                entry.string("logFile").map(Path::of),
                entry.stringMap("environment"),
                entry.string("healthUrl"),
                entry.seconds("stopTimeoutSeconds", Duration.ofSeconds(10)),
                entry.seconds("startTimeoutSeconds", Duration.ofSeconds(30)),
                entry.seconds("settleSeconds", Duration.ofMillis(500))));
    }
}
