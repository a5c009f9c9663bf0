package io.homeostat.plugins.process;

import io.homeostat.plugin.api.Collector;
import io.homeostat.plugin.api.CollectorContext;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.Reading;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.pf4j.Extension;

/**
 * {@code process.alive}: whether a local process runs, found through its {@code pidFile} or by a
 * regular expression its {@code commandMatches} (its full command line). Reports
 * {@code process.alive} (1 or 0) and {@code process.restarts} (how often the process found changed
 * since the service started: a process that crashes and comes back between two collections still
 * shows). A zombie (exited, not yet reaped) is not alive.
 */
@Extension
public class ProcessAlive implements Collector {
    /** The last pid found and the changes counted, per target (pid file or expression). */
    private final Map<String, long[]> seen = new ConcurrentHashMap<>();

    @Override
    public String id() {
        return "process.alive";
    }

    @Override
    public String description() {
        return "is a local process running: process.alive, process.restarts (settings: pidFile, or commandMatches)";
    }

    @Override
    public List<String> validate(PluginSettings target) {
        List<String> problems = new ArrayList<>();
        boolean pid = target.has("pidFile");
        boolean match = target.has("commandMatches");
        if (pid == match) {
            problems.add(target.path() + ": give exactly one of 'pidFile' and 'commandMatches'");
        }
        try {
            target.string("commandMatches").ifPresent(Pattern::compile);
        } catch (PatternSyntaxException e) {
            problems.add(target.path() + ".commandMatches does not compile: " + e.getDescription());
        }
        return problems;
    }

    @Override
    public List<Reading> collect(CollectorContext context) throws IOException {
        PluginSettings settings = context.settings();
        Optional<ProcessHandle> found;
        String key;
        if (settings.has("pidFile")) {
            Path pidFile = Path.of(settings.requiredString("pidFile"));
            key = "pid:" + pidFile.toAbsolutePath();
            found = fromPidFile(pidFile);
        } else {
            String expression = settings.requiredString("commandMatches");
            key = "cmd:" + expression;
            Pattern pattern = Pattern.compile(expression);
            found = Matching.processes(pattern).stream().findFirst();
        }
        long pid = found.map(ProcessHandle::pid).orElse(0L);
        long[] state = seen.computeIfAbsent(key, k -> new long[] {pid, 0});
        synchronized (state) {
            if (pid != 0 && state[0] != 0 && pid != state[0]) {
                state[1]++;
            }
            if (pid != 0) {
                state[0] = pid;
            }
        }
        Reading alive = Reading.of("process.alive", found.isPresent() ? 1 : 0);
        if (found.isPresent()) {
            alive = alive.labelled(Map.of("pid", Long.toString(pid)));
        }
        return List.of(alive, Reading.of("process.restarts", state[1]));
    }

    @Override
    public List<Reading> failed(CollectorContext context, String cause) {
        return List.of(Reading.of("process.alive", 0));
    }

    private static Optional<ProcessHandle> fromPidFile(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        String text = Files.readString(pidFile, StandardCharsets.UTF_8).trim();
        try {
            return ProcessHandle.of(Long.parseLong(text)).filter(ProcessAlive::alive);
        } catch (NumberFormatException e) {
            throw new IOException("pid file " + pidFile + " does not hold a pid: '" + (text.length() > 40 ? text.substring(0, 40) : text) + "'",
                    e);
        }
    }

    /** Alive and not a zombie: an exited process its parent has not reaped still has a pid. */
    static boolean alive(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        try {
            String text = Files.readString(stat, StandardCharsets.UTF_8);
            int close = text.lastIndexOf(')');
            return close < 0 || close + 2 >= text.length() || text.charAt(close + 2) != 'Z';
        } catch (IOException e) {
            // Not Linux, or it has just gone: what isAlive said stands.
            return process.isAlive();
        }
    }
}
