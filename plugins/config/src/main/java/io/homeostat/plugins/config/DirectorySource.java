package io.homeostat.plugins.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;

/** The desired version is a file under a directory (a checkout a pipeline keeps current, a mounted ConfigMap). */
record DirectorySource(Path directory, Path file) implements DesiredSource {
    @Override
    public Desired read(Duration timeout) throws IOException {
        Path root = directory.toRealPath();
        Path path = root.resolve(file);
        // The directory may be reached through a link (a ConfigMap's ..data); the file must then stay inside it.
        Path real = path.toRealPath();
        if (!real.startsWith(root)) {
            throw new IOException("desired file " + path + " leads outside " + root);
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("desired file " + path + " is not a regular file");
        }
        if (Files.size(real) > MAX_BYTES) {
            throw new IOException("desired file " + path + " is larger than " + MAX_BYTES + " bytes");
        }
        return new Desired(Files.readAllBytes(real), "directory " + path);
    }
}
