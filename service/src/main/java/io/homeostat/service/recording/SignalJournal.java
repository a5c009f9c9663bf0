package io.homeostat.service.recording;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Reads recorded signals back, in the order the engine evaluated them, between two instants. */
public final class SignalJournal {
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

    /** Calls {@code each} with every signal evaluated in [from, to); returns how many. */
    public static long read(Path directory, Instant from, Instant to, Consumer<SignalLines.Recorded> each) throws IOException {
        String first = SignalRecorder.HOUR.format(from);
        String last = SignalRecorder.HOUR.format(to);
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(SignalJournal::isRecording).filter(file -> hourOf(file).compareTo(first) >= 0 && hourOf(file).compareTo(last) <= 0)
                    .sorted().toList();
        }
        long count = 0;
        long fromMillis = from.toEpochMilli();
        long toMillis = to.toEpochMilli();
        for (Path file : files) {
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                int number = 0;
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    number++;
                    SignalLines.Recorded recorded;
                    try {
                        recorded = SignalLines.read(line);
                    } catch (RuntimeException e) {
                        throw new IOException(file.getFileName() + ":" + number + ": " + e.getMessage(), e);
                    }
                    if (recorded.evaluatedAt() >= fromMillis && recorded.evaluatedAt() < toMillis) {
                        each.accept(recorded);
                        count++;
                    }
                }
            }
        }
        return count;
    }
}
