package io.homeostat.service.recording;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import io.homeostat.service.engine.facts.Signal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import io.homeostat.service.retention.Archive;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every evaluated signal, with the engine's clock at evaluation, into hourly files
 * ({@code signals-YYYYMMDDHH.tsv}) so that rules can be backtested on real history. The engine
 * thread only hands over its batch; a writer thread formats and writes. Recording never slows the
 * engine: when the writer falls behind, batches are dropped and counted. Files older than the
 * retention, and the oldest files beyond the size bound, are deleted; when the hour being written
 * alone would pass the bound, recording pauses (dropped and counted) until the next hour.
 */
public final class SignalRecorder implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(SignalRecorder.class);
    public static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);

    private record Batch(long evaluatedAt, List<Signal> signals) {
    }

    private final Path directory;
    private final Duration retention;
    private final long maxBytes;
    private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(1_000);
    private final Counter recorded;
    private final Counter dropped;
    private final Counter unwritable;
    private final Archive archive;
    private final Counter unarchived;
    private boolean warnedUnwritable;
    private volatile boolean running;
    private Thread writer;
    private String openHour;
    private FileChannel out;
    /** A failed write could not be cut back: the next write starts on a new line, so the fragment is one unreadable line. */
    private boolean fragmentLeft;
    private volatile Failure lastFailure;
    private String loggedCause;
    private long loggedAt;
    private long unlogged;
    /** Bytes in the closed files left after the last prune, and written to the open one (ASCII but for rare labels: about bytes). */
    private long closedBytes;
    private long openBytes;
    private boolean full;

    public SignalRecorder(Path directory, Duration retention, long maxBytes, MetricRegistry metrics) {
        this(directory, retention, maxBytes, metrics, null);
    }

    /** With {@code archive} (null: none), each hourly file is copied there, gzipped, before it is deleted. */
    public SignalRecorder(Path directory, Duration retention, long maxBytes, MetricRegistry metrics, Archive archive) {
        this.archive = archive;
        this.unarchived = metrics.counter("homeostat.recording.unarchived");
        this.directory = directory;
        this.retention = retention;
        this.maxBytes = maxBytes;
        this.recorded = metrics.counter("homeostat.recording.signals");
        this.dropped = metrics.counter("homeostat.recording.dropped");
        this.unwritable = metrics.counter("homeostat.recording.unwritable");
    }

    /** Called by the engine thread after a batch: never blocks. */
    public void record(List<Signal> batch, long evaluatedAt) {
        if (batch.isEmpty()) {
            return;
        }
        if (!queue.offer(new Batch(evaluatedAt, List.copyOf(batch)))) {
            dropped.inc(batch.size());
        }
    }

    @Override
    public void start() throws IOException {
        Files.createDirectories(directory);
        prune(Instant.now());
        running = true;
        writer = new Thread(this::write, "homeostat-signal-recorder");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void stop() throws InterruptedException, IOException {
        running = false;
        if (writer != null) {
            writer.join(10_000);
        }
    }

    private void write() {
        StringBuilder lines = new StringBuilder(1 << 16);
        List<Batch> drained = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Batch first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                drained.clear();
                drained.add(first);
                queue.drainTo(drained, 100);
                // One write per hour in the group: a write either lands whole or is cut back whole.
                lines.setLength(0);
                int pending = 0;
                for (Batch batch : drained) {
                    String hour = HOUR.format(Instant.ofEpochMilli(batch.evaluatedAt()));
                    if (!hour.equals(openHour)) {
                        writeOut(lines, pending);
                        lines.setLength(0);
                        pending = 0;
                        roll(hour);
                    }
                    if (full || out == null) {
                        dropped.inc(batch.signals().size());
                        continue;
                    }
                    for (Signal signal : batch.signals()) {
                        int start = lines.length();
                        SignalLines.write(lines, batch.evaluatedAt(), signal);
                        if (hasUnpairedSurrogate(lines, start)) {
                            skipUnwritable(lines, start, signal);
                        } else {
                            pending++;
                        }
                    }
                    if (closedBytes + openBytes + lines.length() > maxBytes) {
                        // Past the size bound: write now, so that the bound is checked batch by batch.
                        writeOut(lines, pending);
                        lines.setLength(0);
                        pending = 0;
                    }
                }
                writeOut(lines, pending);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                // A bug, not the disk (writeOut and roll handle I/O): say it loudly and go on recording.
                LOG.error("signal recording failed; continuing", e);
            }
        }
        try {
            close();
        } catch (IOException e) {
            LOG.error("could not close the signal recording", e);
        }
    }

    /**
     * Writes {@code count} signals' lines to the open file in one go. On failure (a full disk, an I/O
     * error) they are dropped and counted, and the file is cut back to where it was, so that no torn
     * line is left for a backtest or a restart to trip over; the next batch tries again.
     */
    private void writeOut(StringBuilder lines, int count) {
        if (count == 0) {
            return; // batches that arrive while no file is open are counted as dropped where they are read
        }
        if (fragmentLeft) {
            lines.insert(0, '\n');
        }
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(lines));
        long before = openBytes;
        try {
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            dropped.inc(count);
            try {
                out.truncate(before);
                out.position(before);
                fragmentLeft = false;
            } catch (IOException cut) {
                fragmentLeft = true;
            }
            failed(e, count);
            return;
        }
        fragmentLeft = false;
        openBytes += bytes.limit();
        recorded.inc(count);
        if (closedBytes + openBytes > maxBytes) {
            try {
                prune(Instant.now());
            } catch (IOException e) {
                failed(e, 0);
            }
            full = closedBytes + openBytes > maxBytes;
            if (full) {
                LOG.warn("signal recording reached its size bound ({} bytes) within hour {}: paused until the next hour", maxBytes, openHour);
            }
        }
    }

    /** Notes a failure for the health check, and logs it once per cause per minute (no stack trace: the cause says it). */
    private void failed(IOException cause, int droppedNow) {
        long now = System.currentTimeMillis();
        String text = cause.toString();
        lastFailure = new Failure(now, text);
        if (text.equals(loggedCause) && now - loggedAt < 60_000) {
            unlogged += droppedNow;
            return;
        }
        LOG.error("signal recording could not write to signals-{}.tsv: {}; {} signals dropped now{} (homeostat.recording.dropped counts all)",
                openHour, text, droppedNow, unlogged > 0 ? ", " + unlogged + " more since the last such line" : "");
        loggedCause = text;
        loggedAt = now;
        unlogged = 0;
    }

    /** When recording last failed and why, or null: the recording health check reads it. */
    public Failure lastFailure() {
        return lastFailure;
    }

    /** Signals dropped since start (writer behind, disk full, size bound, unwritable text). */
    public long droppedCount() {
        return dropped.getCount();
    }

    /** A write that failed: when (epoch ms) and the cause. */
    public record Failure(long atMillis, String cause) {
    }

    /**
     * A line UTF-8 cannot encode (an unpaired surrogate: intake rejects them, but a rule or a
     * replay could still make one) is left out and counted, never retried.
     */
    private void skipUnwritable(StringBuilder lines, int start, Signal signal) {
        lines.setLength(start);
        unwritable.inc();
        dropped.inc();
        if (!warnedUnwritable) {
            warnedUnwritable = true;
            LOG.warn("signal recording skips signals whose text cannot be written as UTF-8 (first: tenant {}, metric {}); "
                    + "homeostat.recording.unwritable counts them", signal.getTenant(), signal.getMetric());
        }
    }

    static boolean hasUnpairedSurrogate(CharSequence text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** Opens the hour's file; when it cannot be opened, this hour's batches are dropped and counted until the next try. */
    private void roll(String hour) {
        try {
            close();
        } catch (IOException e) {
            failed(e, 0);
        }
        openHour = hour;
        Path file = directory.resolve("signals-" + hour + ".tsv");
        try {
            out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            openBytes = out.size();
            out.position(openBytes);
            fragmentLeft = false;
        } catch (IOException e) {
            failed(e, 0);
            close(out);
            openHour = null; // the next batch tries again
            return;
        }
        try {
            prune(Instant.now());
        } catch (IOException e) {
            failed(e, 0);
        }
        full = closedBytes + openBytes > maxBytes;
    }

    private void close() throws IOException {
        if (out != null) {
            FileChannel open = out;
            out = null;
            open.close();
        }
    }

    /** Releases a channel that failed mid-open (its size or position could not be read). */
    private void close(FileChannel channel) {
        out = null;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // It is being given up on; the failure was reported.
            }
        }
    }

    /**
     * Deletes closed files past the retention, then the oldest until they and the open file fit the
     * size bound (never the open one), and notes what the closed ones left take.
     */
    /**
     * True when the file is in the archive (or there is no archive). A file the archive cannot take (a full disk)
     * stays past its retention, unless the size bound needs the room: then it goes unarchived, counted.
     */
    private boolean archived(Path file) {
        if (archive == null) {
            return true;
        }
        try {
            archive.copy("signals", file);
            return true;
        } catch (IOException | RuntimeException e) {
            unarchived.inc();
            LOG.warn("signal recording {} could not be archived ({}); it is kept unless the size bound needs the room", file.getFileName(),
                    e.getMessage());
            return false;
        }
    }

    void prune(Instant now) throws IOException {
        List<Path> closed;
        try (Stream<Path> list = Files.list(directory)) {
            closed = list.filter(SignalJournal::isRecording).filter(file -> !SignalJournal.hourOf(file).equals(openHour))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        }
        String cutoff = HOUR.format(now.minus(retention));
        long total = 0;
        for (Path file : closed) {
            total += Files.size(file);
        }
        for (Path file : closed) {
            String hour = SignalJournal.hourOf(file);
            boolean expired = hour.compareTo(cutoff) < 0;
            boolean overBound = total + openBytes > maxBytes;
            if (expired || overBound) {
                if (!archived(file) && !overBound) {
                    continue; // kept until the archive takes it: past retention, but nothing is lost
                }
                long size = Files.size(file);
                total -= size;
                Files.delete(file);
                LOG.info("signal recording {} deleted ({})", file.getFileName(), expired ? "past retention" : "size bound");
            }
        }
        closedBytes = total;
    }
}
