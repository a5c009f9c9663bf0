package io.homeostat.plugins.process;

import java.util.List;
import java.util.regex.Pattern;

/** Live processes (not zombies, never this service's own) whose full command line contains a match of a regular expression. */
final class Matching {
    private Matching() {
    }

    static List<ProcessHandle> processes(Pattern commandMatches) {
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses().filter(p -> p.pid() != self && ProcessAlive.alive(p))
                .filter(p -> p.info().commandLine().map(line -> commandMatches.matcher(line).find()).orElse(false))
                .toList();
    }
}
