package io.homeostat.plugins.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a running process runs the configured command. The kernel reports the resolved
 * executable ({@code /usr/bin/python3.11}) while config names a command as typed ({@code python3},
 * a symlink found on PATH): both are resolved to real paths before they are compared, so that a
 * hung process is recognised as ours instead of left running beside a second copy.
 */
final class Executables {
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private Executables() {
    }

    static boolean same(String configured, String running, Optional<Path> workingDirectory) {
        Optional<Path> expected = resolve(configured, workingDirectory);
        Optional<Path> actual = realPath(Path.of(running));
        if (expected.isPresent() && actual.isPresent()) {
            return expected.get().equals(actual.get());
        }
        // Without both real paths (a deleted binary after an upgrade), fall back to the names.
        return Path.of(configured).getFileName().toString().equals(Path.of(running).getFileName().toString());
    }

    /** The real path of the executable a command names: as given when it has a '/', else found on PATH. */
    static Optional<Path> resolve(String command, Optional<Path> workingDirectory) {
        if (command.contains("/")) {
            Path path = Path.of(command);
            if (!path.isAbsolute() && workingDirectory.isPresent()) {
                path = workingDirectory.get().resolve(path);
            }
            return realPath(path);
        }
        String search = System.getenv("PATH");
        for (String directory : (search == null || search.isEmpty() ? DEFAULT_PATH : search).split(":")) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return realPath(candidate);
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> realPath(Path path) {
        try {
            return Optional.of(path.toRealPath());
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }
}
