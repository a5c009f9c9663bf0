package io.homeostat.service.outbox;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.homeostat.service.engine.EngineOutputs;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The outbox on disk: segment files of JSON lines ({@code <first seq>.outbox}), one entry per line,
 * each written with one write and cut back on failure, so that a crash or a full disk never leaves
 * half an entry that a later line would follow. A segment is deleted once the store has applied its
 * last entry. Survives a killed process (the page cache outlives it); not a power loss (no fsync per
 * batch: an action still never runs before its decision is in the database).
 */
final class OutboxJournal implements Closeable {
    static final long SEGMENT_BYTES = 8L * 1024 * 1024;
    private static final String SUFFIX = ".outbox";

    /** One entry as written: its place in the order and what the batch produced. */
    record Entry(long seq, EngineOutputs outputs) {
    }

    /** What {@link #recover} found: entries not yet applied, in order, the highest number seen, and lines it could not read. */
    record Recovered(List<Entry> entries, long highestSeq, int unreadable) {
    }

    private final Path directory;
    private final ObjectMapper json;
    private final long segmentBytes;
    /** First seq of each segment on disk → its file; the last one is the one written to. */
    private final TreeMap<Long, Path> segments = new TreeMap<>();
    private FileChannel current;
    private long currentBytes;

    OutboxJournal(Path directory, ObjectMapper json) throws IOException {
        this(directory, json, SEGMENT_BYTES);
    }

    OutboxJournal(Path directory, ObjectMapper json, long segmentBytes) throws IOException {
        this.segmentBytes = segmentBytes;
        this.directory = Files.createDirectories(directory);
        // Tolerant of fields a later version adds; the records' canonical constructors do the rest.
        this.json = json.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(path -> path.getFileName().toString().endsWith(SUFFIX)).toList()) {
                String name = file.getFileName().toString();
                try {
                    segments.put(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())), file);
                } catch (NumberFormatException e) {
                    // not one of ours; left alone
                }
            }
        }
    }

    byte[] encode(long seq, EngineOutputs outputs) throws IOException {
        byte[] body = json.writeValueAsBytes(new Entry(seq, outputs));
        byte[] line = new byte[body.length + 1];
        System.arraycopy(body, 0, line, 0, body.length);
        line[body.length] = '\n';
        return line;
    }

    /** Every entry numbered above {@code applied}, in order; lines that do not parse (a torn tail) are counted and skipped. */
    synchronized Recovered recover(long applied) throws IOException {
        List<Entry> entries = new ArrayList<>();
        long highest = segments.isEmpty() ? 0 : segments.lastKey() - 1;
        int unreadable = 0;
        for (Path file : segments.values()) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    Entry entry;
                    try {
                        entry = json.readValue(line, Entry.class);
                    } catch (IOException e) {
                        unreadable++;
                        continue;
                    }
                    highest = Math.max(highest, entry.seq());
                    if (entry.seq() > applied) {
                        entries.add(entry);
                    }
                }
            }
        }
        return new Recovered(entries, highest, unreadable);
    }

    /** Appends one encoded entry; on failure the segment is cut back to where it was and the failure thrown. */
    synchronized void append(long seq, byte[] line) throws IOException {
        if (current == null || currentBytes >= segmentBytes) {
            roll(seq);
        }
        long before = current.position();
        try {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                current.write(buffer);
            }
            currentBytes += line.length;
        } catch (IOException e) {
            try {
                current.truncate(before);
                current.position(before);
            } catch (IOException ignored) {
                // the next append starts a new segment
                closeCurrent();
            }
            throw e;
        }
    }

    private void roll(long seq) throws IOException {
        closeCurrent();
        Path file = directory.resolve(String.format("%020d", seq) + SUFFIX);
        current = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        currentBytes = current.size();
        segments.put(seq, file);
    }

    /** Deletes the segments whose every entry is numbered at most {@code applied}; never the one written to. */
    synchronized int release(long applied) throws IOException {
        int deleted = 0;
        while (segments.size() > 1) {
            Map.Entry<Long, Path> oldest = segments.firstEntry();
            long nextFirst = segments.higherKey(oldest.getKey());
            if (nextFirst - 1 > applied) {
                break;
            }
            Files.deleteIfExists(oldest.getValue());
            segments.remove(oldest.getKey());
            deleted++;
        }
        return deleted;
    }

    private void closeCurrent() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // nothing left to keep
            }
            current = null;
        }
    }

    @Override
    public synchronized void close() {
        closeCurrent();
    }
}
