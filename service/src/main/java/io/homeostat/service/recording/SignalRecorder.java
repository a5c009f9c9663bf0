package io.homeostat.service.recording;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import io.homeostat.service.engine.facts.Signal;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
    private boolean warnedUnwritable;
    private volatile boolean running;
    private Thread writer;
    private String openHour;
    private Writer out;
    /** Bytes in the closed files left after the last prune, and written to the open one (ASCII but for rare labels: about bytes). */
    private long closedBytes;
    private long openBytes;
    private boolean full;

    public SignalRecorder(Path directory, Duration retention, long maxBytes, MetricRegistry metrics) {
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
                    flush();
                    continue;
                }
                drained.clear();
                drained.add(first);
                queue.drainTo(drained, 100);
                for (Batch batch : drained) {
                    String hour = HOUR.format(Instant.ofEpochMilli(batch.evaluatedAt()));
                    if (!hour.equals(openHour)) {
                        roll(hour);
                    }
                    if (full) {
                        dropped.inc(batch.signals().size());
                        continue;
                    }
                    lines.setLength(0);
                    int written = 0;
                    for (Signal signal : batch.signals()) {
                        int start = lines.length();
                        SignalLines.write(lines, batch.evaluatedAt(), signal);
                        if (hasUnpairedSurrogate(lines, start)) {
                            skipUnwritable(lines, start, signal);
                        } else {
                            written++;
                        }
                    }
                    try {
                        out.append(lines);
                    } catch (IOException e) {
                        // The writer keeps what it could not encode or write and would fail on it again for
                        // every later batch: drop it with this batch, count it, and open the file afresh.
                        dropped.inc(written);
                        abandonOpenFile(e);
                        continue;
                    }
                    openBytes += lines.length();
                    recorded.inc(written);
                    if (closedBytes + openBytes > maxBytes) {
                        prune(Instant.now());
                        full = closedBytes + openBytes > maxBytes;
                        if (full) {
                            LOG.warn("signal recording reached its size bound ({} bytes) within hour {}: paused until the next hour",
                                    maxBytes, openHour);
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (IOException | RuntimeException e) {
                LOG.error("signal recording failed; continuing", e);
            }
        }
        try {
            close();
        } catch (IOException e) {
            LOG.error("could not close the signal recording", e);
        }
    }

    private void flush() {
        if (out != null) {
            try {
                out.flush();
            } catch (IOException e) {
                abandonOpenFile(e);
            }
        }
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

    /** Drops the open writer and what it buffered; the next batch opens the hour's file again. */
    private void abandonOpenFile(IOException cause) {
        LOG.error("signal recording could not write to {} ({}); buffered signals dropped, reopening for the next batch",
                openHour, cause.toString());
        Writer broken = out;
        out = null;
        openHour = null;
        try {
            broken.close();
        } catch (IOException | RuntimeException ignored) {
            // Closing flushes the same bytes again and fails the same way; the file handle is released either way.
        }
    }

    private void roll(String hour) throws IOException {
        close();
        Path file = directory.resolve("signals-" + hour + ".tsv");
        out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                1 << 16);
        openHour = hour;
        openBytes = Files.size(file);
        prune(Instant.now());
        full = closedBytes + openBytes > maxBytes;
    }

    private void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }

    /**
     * Deletes closed files past the retention, then the oldest until they and the open file fit the
     * size bound (never the open one), and notes what the closed ones left take.
     */
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
            if (expired || total + openBytes > maxBytes) {
                total -= Files.size(file);
                Files.delete(file);
                LOG.info("signal recording {} deleted ({})", file.getFileName(), expired ? "past retention" : "size bound");
            }
        }
        closedBytes = total;
    }
}
