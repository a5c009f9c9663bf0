package io.homeostat.service.recording;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import io.homeostat.service.engine.facts.Signal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads recorded signals back, in the order the engine evaluated them, between two instants. */
public final class SignalJournal {
    private static final Logger LOG = LoggerFactory.getLogger(SignalJournal.class);

    private SignalJournal() {
    }

    static boolean isRecording(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith("signals-") && name.endsWith(".tsv") && name.length() == "signals-YYYYMMDDHH.tsv".length();
    }

    static String hourOf(Path file) {
        String name = file.getFileName().toString();
        return name.substring("signals-".length(), name.length() - ".tsv".length());
    }

    /**
     * The signals evaluated in [from, to), for start-up: a line a crash tore or that cannot be
     * read is skipped and counted in the log, never a reason not to start.
     */
    public static List<Signal> recent(Path directory, Instant from, Instant to) {
        List<Signal> signals = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return signals;
        }
        int[] unreadable = {0};
        try {
            readLines(directory, from, to, recorded -> signals.add(recorded.signal()), (file, number, problem) -> unreadable[0]++);
        } catch (IOException e) {
            LOG.warn("could not read recent signals from {} ({}); windows start empty", directory, e.toString());
        }
        if (unreadable[0] > 0) {
            LOG.warn("skipped {} unreadable lines of the recording in {} while restoring recent signals", unreadable[0], directory);
        }
        return signals;
    }

    private interface BadLine {
        void seen(Path file, int number, RuntimeException problem) throws IOException;
    }

    /**
     * The signals of {@code metrics} evaluated in [from, to), in the order they were evaluated: the
     * points a projection is fitted through, taken back at start-up (a torn or unreadable line is
     * skipped). Empty when nothing was recorded.
     */
    public static List<Signal> ofMetrics(Path directory, Instant from, Instant to, java.util.Set<String> metrics) {
        List<Signal> signals = new ArrayList<>();
        if (!Files.isDirectory(directory) || metrics.isEmpty()) {
            return signals;
        }
        try {
            readLines(directory, from, to, recorded -> {
                if (metrics.contains(recorded.signal().getMetric())) {
                    signals.add(recorded.signal());
                }
            }, (file, number, problem) -> { });
        } catch (IOException e) {
            LOG.warn("could not read the recorded history of {} from {} ({}): projections start without it", metrics, directory,
                    e.getMessage());
        }
        return signals;
    }

    /** What a read found: the signals handed on, and the lines skipped because they could not be read (torn by a crash). */
    public record ReadCount(long signals, long unreadable) {
    }

    /**
     * Calls {@code each} with every signal evaluated in [from, to). A line that cannot be read is
     * skipped and counted, not a reason to give up on the hour (a crash mid-write tears the last one).
     */
    public static ReadCount read(Path directory, Instant from, Instant to, Consumer<SignalLines.Recorded> each) throws IOException {
        long[] count = {0, 0};
        readLines(directory, from, to, recorded -> {
            each.accept(recorded);
            count[0]++;
        }, (file, number, problem) -> count[1]++);
        return new ReadCount(count[0], count[1]);
    }

    private static void readLines(Path directory, Instant from, Instant to, Consumer<SignalLines.Recorded> each, BadLine bad)
            throws IOException {
        String first = SignalRecorder.HOUR.format(from);
        String last = SignalRecorder.HOUR.format(to);
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(SignalJournal::isRecording).filter(file -> hourOf(file).compareTo(first) >= 0 && hourOf(file).compareTo(last) <= 0)
                    .sorted().toList();
        }
        long fromMillis = from.toEpochMilli();
        long toMillis = to.toEpochMilli();
        for (Path file : files) {
            // Bytes a torn write left that are not UTF-8 become U+FFFD and fail that line's parse, not the whole file.
            CharsetDecoder lenient = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file), lenient), 1 << 16)) {
                int number = 0;
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    number++;
                    SignalLines.Recorded recorded;
                    try {
                        recorded = SignalLines.read(line);
                    } catch (RuntimeException e) {
                        bad.seen(file, number, e);
                        continue;
                    }
                    if (recorded.evaluatedAt() >= fromMillis && recorded.evaluatedAt() < toMillis) {
                        each.accept(recorded);
                    }
                }
            }
        }
    }
}
