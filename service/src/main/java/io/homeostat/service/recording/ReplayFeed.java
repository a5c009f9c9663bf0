package io.homeostat.service.recording;

import io.homeostat.service.engine.facts.Signal;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a recording once, on its own thread, and hands the same batches of parsed signals to every
 * replay that consumes it. Parsing was a tenth of a replay's time and each replay parsed the
 * recording itself; now the engines only evaluate, and the parsing runs beside them. Signals are
 * immutable, so two sessions can hold the same objects.
 */
final class ReplayFeed implements AutoCloseable {
    private static final int BATCH = 1_024;
    /** Batches a consumer may fall behind the reader: bounds memory whatever the recording's size. */
    private static final int AHEAD = 64;

    /** Up to {@link #BATCH} signals in evaluation order, each with the engine time it was evaluated at. */
    record Batch(long[] evaluatedAt, Signal[] signals, int size) {
    }

    private static final Batch END = new Batch(new long[0], new Signal[0], 0);

    private final List<BlockingQueue<Batch>> queues = new ArrayList<>();
    private final Thread reader;
    private volatile IOException failure;
    private volatile long count;
    private volatile long unreadable;

    ReplayFeed(Path journal, Instant from, Instant to, int consumers) {
        for (int i = 0; i < consumers; i++) {
            queues.add(new ArrayBlockingQueue<>(AHEAD));
        }
        reader = new Thread(() -> read(journal, from, to), "backtest-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(Path journal, Instant from, Instant to) {
        try {
            long[][] times = {new long[BATCH]};
            Signal[][] signals = {new Signal[BATCH]};
            int[] size = {0};
            SignalJournal.ReadCount read = SignalJournal.read(journal, from, to, recorded -> {
                times[0][size[0]] = recorded.evaluatedAt();
                signals[0][size[0]++] = recorded.signal();
                if (size[0] == BATCH) {
                    publish(new Batch(times[0], signals[0], BATCH));
                    times[0] = new long[BATCH];
                    signals[0] = new Signal[BATCH];
                    size[0] = 0;
                }
            });
            if (size[0] > 0) {
                publish(new Batch(times[0], signals[0], size[0]));
            }
            count = read.signals();
            unreadable = read.unreadable();
        } catch (IOException e) {
            failure = e;
        } catch (ReadInterrupted e) {
            return;
        }
        publish(END);
    }

    private void publish(Batch batch) {
        try {
            for (BlockingQueue<Batch> queue : queues) {
                queue.put(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReadInterrupted();
        }
    }

    /** The next batch for {@code consumer}, or null at the end of the recording. */
    Batch next(int consumer) throws IOException, InterruptedException {
        Batch batch = queues.get(consumer).take();
        if (batch == END) {
            if (failure != null) {
                throw failure;
            }
            return null;
        }
        return batch;
    }

    /** Lines skipped as unreadable; final once {@link #next} has returned null. */
    long unreadable() {
        return unreadable;
    }

    /** Signals read; final once {@link #next} has returned null. */
    long count() {
        return count;
    }

    @Override
    public void close() {
        reader.interrupt();
    }

    /** Unwinds the reader when a consumer gave up and the feed is closed. */
    private static final class ReadInterrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReadInterrupted() {
            super(null, null, false, false);
        }
    }
}
