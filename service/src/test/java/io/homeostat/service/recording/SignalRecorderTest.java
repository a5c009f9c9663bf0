package io.homeostat.service.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import io.homeostat.service.engine.facts.Signal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recording keeps its retention and its size bound, the hour being written included. */
class SignalRecorderTest {
    private static Path hourFile(Path directory, Instant at) {
        return directory.resolve("signals-" + SignalRecorder.HOUR.format(at) + ".tsv");
    }

    private static List<String> files(Path directory) throws Exception {
        try (Stream<Path> list = Files.list(directory)) {
            return list.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    private static long size(Path directory) throws Exception {
        long total = 0;
        try (Stream<Path> list = Files.list(directory)) {
            for (Path file : list.toList()) {
                total += Files.size(file);
            }
        }
        return total;
    }

    private static List<Signal> batch(int count, long at) {
        List<Signal> signals = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            signals.add(new Signal("default", "host:h" + i, "cpu.utilization", 42, at, null, "test", Map.of(), 0));
        }
        return signals;
    }

    @Test
    void filesPastTheRetentionAndTheOldestBeyondTheBoundGoAtStart(@TempDir Path directory) throws Exception {
        Instant now = Instant.now();
        Files.writeString(hourFile(directory, now.minus(Duration.ofDays(8))), "x".repeat(100));
        Files.writeString(hourFile(directory, now.minus(Duration.ofHours(5))), "x".repeat(4_000));
        Files.writeString(hourFile(directory, now.minus(Duration.ofHours(4))), "x".repeat(4_000));
        Files.writeString(hourFile(directory, now.minus(Duration.ofHours(3))), "x".repeat(4_000));
        Files.writeString(directory.resolve("notes.txt"), "not a recording");
        SignalRecorder recorder = new SignalRecorder(directory, Duration.ofDays(7), 10_000, new MetricRegistry());
        recorder.start();
        recorder.stop();

        assertThat(files(directory)).containsExactly("notes.txt", hourFile(directory, now.minus(Duration.ofHours(4))).getFileName().toString(),
                hourFile(directory, now.minus(Duration.ofHours(3))).getFileName().toString());
    }

    @Test
    void theHourBeingWrittenStopsAtTheBoundAndTheRestIsCountedAsDropped(@TempDir Path directory) throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        SignalRecorder recorder = new SignalRecorder(directory, Duration.ofDays(7), 20_000, metrics);
        recorder.start();
        long at = Instant.now().toEpochMilli();
        for (int i = 0; i < 20; i++) {
            recorder.record(batch(50, at), at); // about 3.4 KB a batch: the bound is passed within the hour
        }
        await().atMost(Duration.ofSeconds(10)).until(() ->
                metrics.counter("homeostat.recording.signals").getCount() + metrics.counter("homeostat.recording.dropped").getCount() == 1_000);
        recorder.stop();

        long recorded = metrics.counter("homeostat.recording.signals").getCount();
        assertThat(metrics.counter("homeostat.recording.dropped").getCount()).isPositive();
        assertThat(recorded).isPositive();
        // At most the one batch that crossed the bound is over it.
        assertThat(size(directory)).isLessThanOrEqualTo(20_000 + 50 * 80);
        try (Stream<String> lines = Files.lines(hourFile(directory, Instant.ofEpochMilli(at)))) {
            assertThat(lines.count()).as("every recorded signal is on disk").isEqualTo(recorded);
        }
    }

    @Test
    void aSignalThatCannotBeWrittenIsSkippedAndCountedAndRecordingGoesOn(@TempDir Path directory) throws Exception {
        // A lone surrogate once made every later flush fail: nothing more was recorded and "dropped" stayed 0.
        MetricRegistry metrics = new MetricRegistry();
        SignalRecorder recorder = new SignalRecorder(directory, Duration.ofDays(7), 1_000_000, metrics);
        recorder.start();
        long now = Instant.now().toEpochMilli();
        List<Signal> poisoned = new ArrayList<>(batch(2, now));
        poisoned.add(1, new Signal("default", "host:bad", "cpu.utilization", 1, now, null, "test", Map.of("k", "\ud800"), 0));
        recorder.record(poisoned, now);
        recorder.record(batch(3, now), now);
        await().atMost(Duration.ofSeconds(5)).until(() -> metrics.counter("homeostat.recording.signals").getCount() == 5);
        recorder.stop();
        assertThat(metrics.counter("homeostat.recording.unwritable").getCount()).isEqualTo(1);
        assertThat(metrics.counter("homeostat.recording.dropped").getCount()).isEqualTo(1);
        List<String> lines = Files.readAllLines(hourFile(directory, Instant.ofEpochMilli(now)));
        assertThat(lines).hasSize(5).noneMatch(line -> line.contains("host:bad"));
    }

    @Test
    void withAnArchiveAnHourPastItsRetentionIsArchivedGzippedBeforeItGoesAndKeptWhileTheArchiveFails(@TempDir Path directory)
            throws Exception {
        Path recording = Files.createDirectories(directory.resolve("signals"));
        Instant now = Instant.now();
        Path old = hourFile(recording, now.minus(Duration.ofDays(8)));
        Files.writeString(old, "a recorded line\n");
        // The archive's parent is a file: it cannot be written, so the expired hour stays.
        Path blocker = Files.writeString(directory.resolve("blocker"), "x");
        MetricRegistry metrics = new MetricRegistry();
        SignalRecorder failing = new SignalRecorder(recording, Duration.ofDays(7), 1_000_000, metrics,
                new io.homeostat.service.retention.Archive(blocker.resolve("archive"), new com.fasterxml.jackson.databind.ObjectMapper(),
                        java.time.Clock.systemUTC()));
        failing.start();
        failing.stop();
        assertThat(Files.exists(old)).as("not deleted without its export").isTrue();
        assertThat(metrics.counter("homeostat.recording.unarchived").getCount()).isEqualTo(1);

        Path archive = directory.resolve("archive");
        SignalRecorder recorder = new SignalRecorder(recording, Duration.ofDays(7), 1_000_000, new MetricRegistry(),
                new io.homeostat.service.retention.Archive(archive, new com.fasterxml.jackson.databind.ObjectMapper(), java.time.Clock.systemUTC()));
        recorder.start();
        recorder.stop();
        assertThat(Files.exists(old)).isFalse();
        Path copy = archive.resolve("signals").resolve(old.getFileName() + ".gz");
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(copy))) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("a recorded line\n");
        }
    }
}
