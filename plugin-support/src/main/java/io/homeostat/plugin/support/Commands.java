package io.homeostat.plugin.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a configured command (a reload, a renewal) (argv, no shell) with a clean environment: never the service's,
 * which holds its database password and every plugin's tokens. Its output is kept to quote the last
 * line of it when it fails.
 */
public final class Commands {
    private Commands() {
    }

    /** Empty when it succeeded, else why not: it could not start, its exit code and the last line it printed, or the timeout. */
    public static Optional<String> run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Path output = Files.createTempFile("homeostat-reload", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            Map<String, String> environment = builder.environment();
            environment.clear();
            environment.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            environment.put("LANG", "C.UTF-8");
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                return Optional.of("could not start " + command.get(0) + ": " + e.getMessage());
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return Optional.of(command.get(0) + " did not finish within " + timeout.toSeconds() + " s");
            }
            if (process.exitValue() == 0) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank()).toList();
            String last = lines.isEmpty() ? "" : ": " + abbreviate(lines.get(lines.size() - 1));
            return Optional.of(command.get(0) + " exited with " + process.exitValue() + last);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
