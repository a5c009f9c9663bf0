package io.homeostat.plugins.config;

import io.homeostat.plugin.api.PluginSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a file's desired version lives, from a {@code desired} section: {@code directory} + {@code file},
 * or {@code git} (a local repository, work tree or bare) + {@code file} at {@code ref} (HEAD), optionally
 * fetched from its {@code origin} first ({@code fetch: true}; then name {@code ref: origin/main} to follow
 * the remote branch).
 */
interface DesiredSource {
    /** Larger desired files are refused: a configuration, not a data set. */
    int MAX_BYTES = 16 * 1024 * 1024;

    Desired read(Duration timeout) throws IOException;

    static DesiredSource of(PluginSettings desired) {
        String file = desired.requiredString("file");
        Path relative = Path.of(file).normalize();
        if (relative.isAbsolute() || relative.startsWith("..") || file.isBlank()) {
            throw new IllegalArgumentException(desired.path() + ".file must be a path inside the directory or repository, was '" + file + "'");
        }
        boolean directory = desired.has("directory");
        boolean git = desired.has("git");
        if (directory == git) {
            throw new IllegalArgumentException(desired.path() + " needs exactly one of directory or git");
        }
        if (directory) {
            return new DirectorySource(Path.of(desired.requiredString("directory")), relative);
        }
        String fetch = desired.string("fetch").orElse("false");
        if (!fetch.equals("true") && !fetch.equals("false")) {
            throw new IllegalArgumentException(desired.path() + ".fetch must be true or false, was '" + fetch + "'");
        }
        // Git paths always use '/', whatever the platform.
        return new GitSource(Path.of(desired.requiredString("git")), desired.string("ref").orElse("HEAD"),
                relative.toString().replace('\\', '/'), fetch.equals("true"));
    }
}
