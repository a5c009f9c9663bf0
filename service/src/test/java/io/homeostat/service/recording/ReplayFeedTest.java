package io.homeostat.service.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeostat.service.engine.facts.Signal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One reader, several consumers: each sees every signal of the period once, in order; a broken line fails them all. */
class ReplayFeedTest {
    private static final Instant FROM = Instant.parse("2026-03-01T10:00:00Z");

    /** Writes {@code count} signals a second apart from {@code FROM}, across hourly files as the recorder does. */
    private static void record(Path directory, int count, String brokenLine) throws IOException {
        StringBuilder hour = new StringBuilder();
        String file = null;
        for (int i = 0; i < count; i++) {
            long at = FROM.toEpochMilli() + i * 1_000L;
            String name = "signals-" + SignalRecorder.HOUR.format(Instant.ofEpochMilli(at)) + ".tsv";
            if (file != null && !file.equals(name)) {
                Files.writeString(directory.resolve(file), hour, StandardCharsets.UTF_8);
                hour.setLength(0);
            }
            file = name;
            SignalLines.write(hour, at, new Signal("default", "host:h" + i, "cpu.utilization", i, at, null, "test", Map.of(), 0));
            if (brokenLine != null && i == 2) {
                hour.append(brokenLine).append('\n');
            }
        }
        Files.writeString(directory.resolve(file), hour, StandardCharsets.UTF_8);
    }

    private static List<Double> drain(ReplayFeed feed, int consumer) throws Exception {
        List<Double> values = new ArrayList<>();
        for (ReplayFeed.Batch batch = feed.next(consumer); batch != null; batch = feed.next(consumer)) {
            for (int i = 0; i < batch.size(); i++) {
                assertThat(batch.evaluatedAt()[i]).isEqualTo(batch.signals()[i].getTime());
                values.add(batch.signals()[i].getValue());
            }
        }
        return values;
    }

    @Test
    void everyConsumerSeesEverySignalOfThePeriodInOrderAcrossBatchesAndFiles(@TempDir Path directory) throws Exception {
        record(directory, 5_000, null); // 5,000 s: two hourly files, five batches
        Instant to = FROM.plusSeconds(4_500);
        try (ReplayFeed feed = new ReplayFeed(directory, FROM.plusSeconds(10), to, 2)) {
            List<Double> first = new ArrayList<>();
            Thread other = new Thread(() -> {
                try {
                    first.addAll(drain(feed, 0));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            other.start();
            List<Double> second = drain(feed, 1);
            other.join();
            assertThat(second).hasSize(4_490).first().isEqualTo(10.0);
            assertThat(second.get(second.size() - 1)).isEqualTo(4_499.0);
            assertThat(second).isSorted();
            assertThat(first).isEqualTo(second);
            assertThat(feed.count()).isEqualTo(4_490);
        }
    }

    @Test
    void aBrokenLineIsSkippedAndCountedAndTheReplayGoesOn(@TempDir Path directory) throws Exception {
        // A crash or a full disk tears a line; that used to fail the whole hour's backtest.
        record(directory, 10, "not\ta recorded signal");
        try (ReplayFeed feed = new ReplayFeed(directory, FROM, FROM.plusSeconds(60), 1)) {
            drain(feed, 0);
            assertThat(feed.unreadable()).isEqualTo(1);
            assertThat(feed.count()).isEqualTo(10);
        }
    }
}
