package io.homeostat.plugin.support;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Copies of files an action is about to replace, kept on disk under a private directory (0700, each
 * copy 0600) rather than in the snapshot string: the service stores snapshots in its database, and a
 * configuration file or a private key must not land there. The snapshot names each copy and its hash;
 * copies older than the retention are deleted when new ones are made.
 */
public record FileBackups(Path directory, Duration retention) {

    /** One file as it was: its path, whether it existed, its hash and the copy's file. */
    public record Entry(Path path, boolean existed, String sha256, Path copy) {
    }

    /** What a snapshot string says: the entries, one per line of five fields separated by tabs. */
    public record Snapshot(List<Entry> entries) {
        private static final String HEADER = "file-backups-v1";

        public String encode() {
            StringBuilder text = new StringBuilder(HEADER);
            for (Entry entry : entries) {
                text.append('\n').append(String.join("\t", entry.path().toString(), Boolean.toString(entry.existed()), entry.sha256(),
                        entry.copy().toString()));
            }
            return text.toString();
        }

        public static Snapshot decode(String text) {
            List<String> lines = text.lines().toList();
            if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
                throw new IllegalArgumentException("not a file-backups snapshot");
            }
            List<Entry> entries = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.split("\t", -1);
                if (fields.length != 4) {
                    throw new IllegalArgumentException("a file-backups snapshot line has " + fields.length + " fields, not 4");
                }
                entries.add(new Entry(Path.of(fields[0]), Boolean.parseBoolean(fields[1]), fields[2], Path.of(fields[3])));
            }
            return new Snapshot(List.copyOf(entries));
        }
    }

    /** Copies each file (absent ones recorded as absent) under a name made of the remediation id and the file's name. */
    public Snapshot save(List<Path> files, String remediationId) throws IOException {
        Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        prune();
        List<Entry> entries = new ArrayList<>();
        String prefix = remediationId.replaceAll("[^A-Za-z0-9_-]", "_");
        for (int i = 0; i < files.size(); i++) {
            Path live = files.get(i);
            Optional<byte[]> content = AtomicFiles.read(live);
            Path copy = directory.resolve(prefix + "-" + i + "-" + live.getFileName() + ".bak").toAbsolutePath();
            Files.deleteIfExists(copy);
            Files.createFile(copy, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            if (content.isPresent()) {
                Files.write(copy, content.get());
            }
            entries.add(new Entry(live, content.isPresent(), content.map(Hashes::sha256).orElse(""), copy));
        }
        return new Snapshot(List.copyOf(entries));
    }

    /** The saved bytes of one entry, checked against the hash the snapshot recorded. */
    public static byte[] load(Entry entry) throws IOException {
        byte[] content = Files.readAllBytes(entry.copy());
        if (!Hashes.sha256(content).equals(entry.sha256())) {
            throw new IOException("the saved copy " + entry.copy() + " does not have the recorded hash " + Hashes.shortly(entry.sha256()));
        }
        return content;
    }

    /** Puts each file back as it was (atomically), or removes it when it did not exist. */
    public static void restore(Snapshot snapshot) throws IOException {
        List<byte[]> contents = new ArrayList<>();
        for (Entry entry : snapshot.entries()) {
            contents.add(entry.existed() ? load(entry) : null);    // every copy checked before any file is touched
        }
        for (int i = 0; i < contents.size(); i++) {
            Entry entry = snapshot.entries().get(i);
            if (contents.get(i) != null) {
                AtomicFiles.write(entry.path(), contents.get(i), PosixFilePermissions.fromString("rw-------"));
            } else {
                Files.deleteIfExists(entry.path());
            }
        }
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
