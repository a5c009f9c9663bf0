package io.homeostat.service.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.health.RecordingHealthCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found: on a full disk only 51,201 of 120,200 signals were recorded while the dropped counter stayed
 * 0, 552 stack traces a minute flooded the log, and torn lines made a backtest fail on that hour.
 */
class RecordingFullDiskTest {
    private static final long HOUR = 3_600_000L;

    private static List<Signal> batch(int count, long at) {
        List<Signal> signals = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            signals.add(new Signal("default", "host:h" + i, "cpu.utilization", 42, at, null, "test", Map.of(), 0));
        }
        return signals;
    }

    private static long counter(MetricRegistry metrics, String name) {
        return metrics.counter(name).getCount();
    }

    @Test
    void everySignalADeviceRefusesIsCountedTheHealthCheckSaysSoAndRecordingResumesWhereItCan(@TempDir Path directory) throws Exception {
        long full = Instant.parse("2026-11-30T10:15:00Z").toEpochMilli();
        // The hour's file is /dev/full: every write fails with "No space left on device", as on a full disk.
        Files.createSymbolicLink(directory.resolve("signals-" + SignalRecorder.HOUR.format(Instant.ofEpochMilli(full)) + ".tsv"),
                Path.of("/dev/full"));
        MetricRegistry metrics = new MetricRegistry();
        SignalRecorder recorder = new SignalRecorder(directory, Duration.ofDays(3_650), 1L << 30, metrics);
        RecordingHealthCheck health = new RecordingHealthCheck(recorder);
        recorder.start();
        try {
            assertThat(health.execute().isHealthy()).isTrue();
            for (int i = 0; i < 30; i++) {
                recorder.record(batch(50, full), full);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> counter(metrics, "homeostat.recording.dropped") == 1_500);
            assertThat(counter(metrics, "homeostat.recording.signals")).isZero();
            HealthCheck.Result red = health.execute();
            assertThat(red.isHealthy()).isFalse();
            assertThat(red.getMessage()).contains("No space left on device").contains("1500 signals dropped");

            long next = full + HOUR;
            recorder.record(batch(40, next), next);
            await().atMost(Duration.ofSeconds(10)).until(() -> counter(metrics, "homeostat.recording.signals") == 40);
        } finally {
            recorder.stop();
        }
        SignalJournal.ReadCount read = SignalJournal.read(directory, Instant.ofEpochMilli(full + HOUR), Instant.ofEpochMilli(full + 2 * HOUR), r -> { });
        assertThat(read).isEqualTo(new SignalJournal.ReadCount(40, 0));
    }

    @Test
    void aDiskThatFillsMidWriteLeavesNoTornLineAndCountsWhatItDropped(@TempDir Path directory) throws Exception {
        Path mount = Files.createDirectories(directory.resolve("small"));
        // A real 64 KiB file system: writes fail part-way when it fills. Needs root, as CI runs.
        run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString());
        try {
            MetricRegistry metrics = new MetricRegistry();
            SignalRecorder recorder = new SignalRecorder(mount, Duration.ofDays(3_650), 1L << 30, metrics);
            recorder.start();
            long at = Instant.now().toEpochMilli();
            int sent = 0;
            try {
                for (int i = 0; i < 60; i++) {
                    recorder.record(batch(37, at), at); // about 2.5 KB a batch, 150 KB in all: the disk fills part-way through
                    sent += 37;
                    Thread.sleep(i % 5 == 0 ? 250 : 0); // several write groups, some of them cut
                }
                int total = sent;
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        counter(metrics, "homeostat.recording.signals") + counter(metrics, "homeostat.recording.dropped") == total);
            } finally {
                recorder.stop();
            }
            long recorded = counter(metrics, "homeostat.recording.signals");
            assertThat(recorded).isPositive();
            assertThat(counter(metrics, "homeostat.recording.dropped")).isPositive();
            SignalJournal.ReadCount read = SignalJournal.read(mount, Instant.ofEpochMilli(at - HOUR), Instant.ofEpochMilli(at + HOUR), r -> { });
            assertThat(read).as("every line on disk is whole, and every counted signal is there").isEqualTo(new SignalJournal.ReadCount(recorded, 0));
        } finally {
            run("umount", mount.toString());
        }
    }

    @Test
    void aReadSkipsAndCountsLinesACrashTore(@TempDir Path directory) throws Exception {
        long at = Instant.parse("2026-11-30T10:15:00Z").toEpochMilli();
        StringBuilder good = new StringBuilder();
        for (Signal signal : batch(3, at)) {
            SignalLines.write(good, at, signal);
        }
        String[] lines = good.toString().split("\n");
        Path file = directory.resolve("signals-" + SignalRecorder.HOUR.format(Instant.ofEpochMilli(at)) + ".tsv");
        Files.writeString(file, lines[0] + "\n" + lines[1].substring(0, 9) + lines[2] + "\n", StandardCharsets.UTF_8);
        Files.write(file, new byte[] {(byte) 0xE2, (byte) 0x82, '\n'}, StandardOpenOption.APPEND); // half a UTF-8 character
        Files.writeString(file, lines[1] + "\n", StandardOpenOption.APPEND);

        SignalJournal.ReadCount read = SignalJournal.read(directory, Instant.ofEpochMilli(at - HOUR), Instant.ofEpochMilli(at + HOUR), r -> { });
        assertThat(read).isEqualTo(new SignalJournal.ReadCount(2, 2));
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + " (the full-disk test needs root): " + output).isZero();
    }
}
