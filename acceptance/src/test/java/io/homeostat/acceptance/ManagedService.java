package io.homeostat.acceptance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The real service the restart tests manage: bash that logs its pid to {@code starts.log} at each start
 * and, on SIGTERM, to {@code stopping.log} before taking {@code stopSeconds} to exit. The start log is the
 * plugin's own record of what ran: how many restarts, and which processes are alive.
 */
final class ManagedService {
    private final Path home;

    /** Writes {@code home/managed.sh}. */
    ManagedService(Path home, int stopSeconds) throws IOException {
        this.home = home;
        Path script = script();
        Files.writeString(script, """
                #!/usr/bin/env bash
                echo $$ >> %1$s/starts.log
                trap 'echo $$ >> %1$s/stopping.log; sleep %2$d; exit 0' TERM
                while true; do sleep 0.1; done
                """.formatted(home.toAbsolutePath(), stopSeconds));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    Path script() {
        return home.resolve("managed.sh").toAbsolutePath();
    }

    /** Starts it as an operator would have before the test, and records its pid in {@code pidFile}. */
    Process startOriginal(Path pidFile) throws Exception {
        Process original = new ProcessBuilder("bash", script().toString()).start();
        Files.writeString(pidFile, Long.toString(original.pid()));
        PackagedService.await(java.time.Duration.ofSeconds(5), () -> lines("starts.log") == 1, "the managed service started");
        return original;
    }

    boolean exists(String file) {
        return Files.exists(home.resolve(file));
    }

    /** Non-blank lines of one of its logs (0 when it has none yet). */
    int lines(String file) {
        try {
            return exists(file) ? (int) Files.readAllLines(home.resolve(file)).stream().filter(line -> !line.isBlank()).count() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    List<Long> startedPids() throws IOException {
        Path starts = home.resolve("starts.log");
        return Files.exists(starts) ? Files.readAllLines(starts).stream().filter(line -> !line.isBlank()).map(Long::parseLong).toList()
                : List.of();
    }

    List<Long> alive() throws IOException {
        return startedPids().stream().filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).toList();
    }

    /** Kills every process it ever started (after a test). */
    void killAll() throws IOException {
        for (long pid : startedPids()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
