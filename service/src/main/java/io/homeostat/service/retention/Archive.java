package io.homeostat.service.retention;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The archive directory: one sub-directory per table, each export a gzip file of JSON lines
 * ({@code issues/issues-20261202T101500Z-000001.jsonl.gz}). A file appears whole or not at all: it is
 * written under a temporary name, forced to disk, then renamed, and only then are its rows deleted from
 * the database. A crash between the two leaves the rows in the database and a file holding them, so the
 * next run exports them again: a row can be in the archive twice, never in neither.
 */
public final class Archive {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    static final String SUFFIX = ".jsonl.gz";

    private final Path directory;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();

    public Archive(Path directory, ObjectMapper mapper, Clock clock) {
        this.directory = directory;
        this.mapper = mapper.copy().disable(SerializationFeature.INDENT_OUTPUT).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        this.clock = clock;
    }

    public Path directory() {
        return directory;
    }

    /** Writes {@code rows} as one new file of {@code table}'s and returns it, on disk for good when this returns. */
    public Path write(String table, Collection<?> rows) throws IOException {
        Path folder = folder(table);
        String name;
        Path file;
        do { // a restart within the same second starts the numbers again
            name = table + "-" + STAMP.format(clock.instant()) + "-" + String.format("%06d", sequence.incrementAndGet()) + SUFFIX;
            file = folder.resolve(name);
        } while (Files.exists(file));
        Path temporary = folder.resolve("." + name + ".tmp");
        try {
            ownerOnly(Files.createFile(temporary), "rw-------");
            try (OutputStream raw = Files.newOutputStream(temporary, StandardOpenOption.WRITE);
                 GZIPOutputStream gzip = new GZIPOutputStream(raw, 64 * 1024)) {
                for (Object row : rows) {
                    gzip.write(mapper.writeValueAsBytes(row));
                    gzip.write('\n');
                }
            }
            force(temporary);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file);
            }
            force(folder);
            return file;
        } catch (IOException | RuntimeException e) {
            // A full disk, say: no half file stays, and the caller deletes nothing.
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /**
     * Copies a finished file (an hour of the signal recording, already JSON lines) into {@code table}'s
     * folder, gzipped, whole or not at all, and returns it; the caller deletes the original afterwards.
     */
    public Path copy(String table, Path source) throws IOException {
        Path folder = folder(table);
        Path file = folder.resolve(source.getFileName() + ".gz");
        Path temporary = folder.resolve("." + file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(temporary);
            ownerOnly(Files.createFile(temporary), "rw-------");
            try (OutputStream raw = Files.newOutputStream(temporary, StandardOpenOption.WRITE);
                 GZIPOutputStream gzip = new GZIPOutputStream(raw, 64 * 1024)) {
                Files.copy(source, gzip);
            }
            force(temporary);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            force(folder);
            return file;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /** Every archived file of {@code table}, oldest first (names sort by time, then by number). */
    public List<Path> files(String table) throws IOException {
        Path folder = directory.resolve(table);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(path -> path.getFileName().toString().endsWith(SUFFIX) && !path.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
    }

    /** The lines of every archived file of {@code table}, read as {@code type}. */
    public <T> List<T> read(String table, Class<T> type) throws IOException {
        List<T> rows = new ArrayList<>();
        for (Path file : files(table)) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file));
                 BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.isBlank()) {
                        rows.add(mapper.readValue(line, type));
                    }
                }
            } catch (IOException e) {
                throw new IOException("archive file " + file + " cannot be read: " + e.getMessage(), e);
            }
        }
        return rows;
    }

    /** The table's folder; the archive holds incident history and the audit trail: readable by the service's user only. */
    private Path folder(String table) throws IOException {
        Path folder = directory.resolve(table);
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder);
            ownerOnly(directory, "rwx------");
            ownerOnly(folder, "rwx------");
        }
        return folder;
    }

    private static void ownerOnly(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: its own access rules apply.
        }
    }

    private static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, Files.isDirectory(path) ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }
}
