package io.homeostat.plugins.config;

import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.support.Hashes;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The drifted copies a rollback puts back, kept on disk under {@code backupDirectory}
 * ({@code data/config-backups}, mode 0700, each copy 0600) rather than in the snapshot string: the
 * service stores snapshots in its database, and a configuration file may hold secrets. The snapshot
 * names the copy and its hash; copies older than {@code backupRetentionDays} (30) are deleted when a new
 * one is made.
 */
record Backups(Path directory, Duration retention) {

    static Backups of(PluginSettings settings) {
        return new Backups(Path.of(settings.string("backupDirectory").orElse("data/config-backups")),
                Duration.ofDays(settings.integer("backupRetentionDays", 30, 1, 3650)));
    }

    /** What the snapshot string says: the live path, whether it existed, its hash and the copy's file. */
    record Snapshot(Path path, boolean existed, String sha256, Path copy) {
        String encode() {
            return String.join("\n", "config-snapshot-v1", path.toString(), Boolean.toString(existed), sha256, copy.toString());
        }

        static Snapshot decode(String text) {
            List<String> lines = text.lines().toList();
            if (lines.size() != 5 || !lines.get(0).equals("config-snapshot-v1")) {
                throw new IllegalArgumentException("not a config snapshot");
            }
            return new Snapshot(Path.of(lines.get(1)), Boolean.parseBoolean(lines.get(2)), lines.get(3), Path.of(lines.get(4)));
        }
    }

    Snapshot save(Path live, Optional<byte[]> content, String remediationId) throws IOException {
        Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        prune();
        String sha = content.map(Hashes::sha256).orElse("");
        Path copy = directory.resolve(remediationId.replaceAll("[^A-Za-z0-9_-]", "_") + "-" + live.getFileName() + ".bak").toAbsolutePath();
        Files.deleteIfExists(copy);
        Files.createFile(copy, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        if (content.isPresent()) {
            Files.write(copy, content.get());
        }
        return new Snapshot(live, content.isPresent(), sha, copy);
    }

    /** The saved bytes, checked against the hash the snapshot recorded. */
    static byte[] load(Snapshot snapshot) throws IOException {
        byte[] content = Files.readAllBytes(snapshot.copy());
        if (!Hashes.sha256(content).equals(snapshot.sha256())) {
            throw new IOException("the saved copy " + snapshot.copy() + " does not have the recorded hash " + Hashes.shortly(snapshot.sha256()));
        }
        return content;
    }

    private void prune() throws IOException {
        FileTime cutoff = FileTime.from(Instant.now().minus(retention));
        try (DirectoryStream<Path> copies = Files.newDirectoryStream(directory, "*.bak")) {
            for (Path copy : copies) {
                if (Files.getLastModifiedTime(copy).compareTo(cutoff) < 0) {
                    Files.deleteIfExists(copy);
                }
            }
        }
    }
}
