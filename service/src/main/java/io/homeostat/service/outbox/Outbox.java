package io.homeostat.service.outbox;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.lifecycle.Managed;
import io.homeostat.service.engine.EngineOutputHandler;
import io.homeostat.service.engine.EngineOutputs;
import io.homeostat.service.retry.Backoff;
import io.homeostat.service.retry.FailureLog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the engine's outputs wait for the database, so that detection never waits on it: the engine
 * thread appends each batch's outputs to a journal on disk and goes on evaluating; one writer thread
 * applies them to the store in order, each with its sequence number in the same transaction (so an
 * entry replayed after a crash is applied once), and only then are its actions handed to the executor
 * (persist-before-act). Bounded: past {@code maxBytes} of unapplied entries the engine waits, its
 * evaluation lag grows and intake refuses with 503; nothing is dropped. Entries a stop or a crash left
 * unapplied are applied at the next start, before the engine restores its state from the store.
 */
public final class Outbox implements EngineOutputHandler, Managed {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    /** Applying an entry waits out a database fault however long it lasts; the bound holds the engine back meanwhile. */
    private static final Backoff APPLY_RETRY = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofDays(36_500));

    /** The store side: what has been applied, and applying one entry (with its number) in one transaction. */
    public interface Sink {
        /** The highest entry number the store has applied (0 when none). */
        long applied();

        /**
         * Records the entry in one transaction with its number, unless an entry numbered as high was
         * applied already; then, when {@code dispatch}, hands its actions and escalations on. At start-up
         * replay nothing is dispatched: the restore that follows reconciles what the entries left pending.
         */
        void apply(long seq, EngineOutputs outputs, boolean dispatch) throws Exception;
    }

    private record Waiting(long seq, EngineOutputs outputs, int bytes, long queuedNanos) {
    }

    private final Path directory;
    private final long maxBytes;
    private final Duration drainTimeout;
    private final ObjectMapper json;
    private final Sink sink;
    private final Counter unjournaled;
    private final Counter fullWaits;
    private final Counter applyRetries;
    private final FailureLog failures = new FailureLog(LOG);
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private OutboxJournal journal;
    private long nextSeq;
    private long pendingBytes;
    private volatile long appliedSeq;
    private volatile boolean running;
    private volatile String journalProblem;
    /** The engine has waited for room since the outbox last had half of it free: the log says so once per episode. */
    private boolean full;
    private Thread writer;

    public Outbox(Path directory, long maxBytes, Duration drainTimeout, ObjectMapper json, Sink sink, MetricRegistry metrics) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.maxBytes = maxBytes;
        this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
        this.json = Objects.requireNonNull(json, "json");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.unjournaled = metrics.counter("homeostat.outbox.unjournaled");
        this.fullWaits = metrics.counter("homeostat.outbox.full_waits");
        this.applyRetries = metrics.counter("homeostat.outbox.apply_retries");
        metrics.gauge("homeostat.outbox.depth", () -> this::depth);
        metrics.gauge("homeostat.outbox.bytes", () -> this::pendingBytes);
        metrics.gauge("homeostat.outbox.oldest_seconds", () -> () -> oldestAge().toMillis() / 1000.0);
    }

    /**
     * Applies what a stop or a crash left unapplied, without dispatching it; called in {@code run()}
     * before anything reads the store (the engine's restore, the notifier's redelivery of pending
     * escalations), so that they see it. Waits for the database as long as it takes.
     */
    public synchronized void recover() throws Exception {
        if (journal != null) {
            return;
        }
        journal = new OutboxJournal(directory, json);
        long applied = sink.applied();
        OutboxJournal.Recovered recovered = journal.recover(applied);
        if (recovered.unreadable() > 0) {
            LOG.error("outbox: {} unreadable line(s) in {} skipped (a torn write or a damaged file)", recovered.unreadable(), directory);
        }
        for (OutboxJournal.Entry entry : recovered.entries()) {
            APPLY_RETRY.call("applying outbox entry " + entry.seq() + " at start-up", () -> {
                sink.apply(entry.seq(), entry.outputs(), false);
                return null;
            }, e -> failures.threw("applying the outbox at start-up", e), () -> true);
            applied = entry.seq();
        }
        if (!recovered.entries().isEmpty()) {
            LOG.warn("outbox: applied {} entries a stop or crash had left unapplied (up to number {})", recovered.entries().size(), applied);
        }
        appliedSeq = Math.max(applied, sink.applied());
        journal.release(appliedSeq);
        nextSeq = Math.max(appliedSeq, recovered.highestSeq()) + 1;
    }

    /** Starts the writer (recovering first if {@link #recover} was not called). */
    @Override
    public void start() throws Exception {
        recover();
        running = true;
        writer = new Thread(this::drain, "homeostat-outbox");
        writer.start();
    }

    /**
     * On the engine thread: journals the batch's outputs and returns; waits only while the outbox
     * holds {@code maxBytes} already (the store has been away that long).
     */
    @Override
    public void handle(EngineOutputs outputs) throws Exception {
        long seq;
        synchronized (this) {
            seq = nextSeq++;
        }
        byte[] line = journal.encode(seq, outputs);
        synchronized (this) {
            if (pendingBytes > 0 && pendingBytes + line.length > maxBytes) {
                // Counted each time; logged once per episode (the next fit logs the end), not once per batch of a long outage.
                fullWaits.inc();
                if (!full) {
                    full = true;
                    LOG.warn("outbox full ({} entries, {} bytes unapplied): the engine waits for the store; intake refuses once "
                            + "evaluation lags", waiting.size(), pendingBytes);
                }
                while (running && pendingBytes > 0 && pendingBytes + line.length > maxBytes) {
                    wait(1_000);
                }
            }
        }
        try {
            journal.append(seq, line);
            journalProblem = null;
        } catch (IOException e) {
            // Kept in memory and still applied in order; only a crash before then would lose it. Counted and shown.
            unjournaled.inc();
            journalProblem = e.getClass().getSimpleName() + ": " + e.getMessage();
            failures.threw("writing the outbox journal in " + directory, e);
        }
        synchronized (this) {
            if (full && pendingBytes + line.length <= maxBytes / 2) {
                full = false;
                LOG.info("outbox has room again ({} entries, {} bytes unapplied)", waiting.size(), pendingBytes);
            }
            waiting.addLast(new Waiting(seq, outputs, line.length, System.nanoTime()));
            pendingBytes += line.length;
            notifyAll();
        }
    }

    private void drain() {
        while (true) {
            Waiting next;
            synchronized (this) {
                while (waiting.isEmpty() && running) {
                    try {
                        wait(1_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (waiting.isEmpty()) {
                    return;
                }
                next = waiting.peekFirst();
            }
            try {
                APPLY_RETRY.call("applying outbox entry " + next.seq(), () -> {
                    sink.apply(next.seq(), next.outputs(), true);
                    return null;
                }, e -> {
                    applyRetries.inc();
                    failures.threw("applying engine outputs to the store", e);
                }, () -> !Thread.currentThread().isInterrupted());
            } catch (InterruptedException | Backoff.GaveUp e) {
                // Stopping: what is left stays in the journal and is applied at the next start.
                return;
            }
            synchronized (this) {
                waiting.pollFirst();
                pendingBytes -= next.bytes();
                appliedSeq = next.seq();
                notifyAll();
            }
            if (next.seq() % 64 == 0) {
                release();
            }
        }
    }

    private void release() {
        try {
            journal.release(appliedSeq);
        } catch (IOException e) {
            failures.threw("deleting applied outbox segments in " + directory, e);
        }
    }

    /**
     * After the engine has stopped (it hands over its last outputs first): waits up to the drain
     * timeout for the store to take the rest; what it cannot take is applied at the next start.
     */
    @Override
    public void stop() throws InterruptedException {
        synchronized (this) {
            running = false;
            notifyAll();
        }
        if (writer != null) {
            writer.join(drainTimeout.toMillis());
            if (writer.isAlive()) {
                LOG.warn("outbox: {} entries not applied within {}; they are applied at the next start", depth(), drainTimeout);
                writer.interrupt();
                writer.join(5_000);
            }
        }
        if (journal != null) {
            release();
            journal.close();
        }
    }

    /** The number of the last entry handed in (0 before the first): whatever the engine evaluated so far is in it or before it. */
    public synchronized long queuedSeq() {
        return nextSeq - 1;
    }

    /** The number of the last entry the store has applied: everything up to it is in the store. */
    public long appliedSeq() {
        return appliedSeq;
    }

    /** Entries waiting for the store. */
    public synchronized int depth() {
        return waiting.size();
    }

    public synchronized long pendingBytes() {
        return pendingBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** How long the oldest unapplied entry has waited (zero when none waits). */
    public synchronized Duration oldestAge() {
        Waiting oldest = waiting.peekFirst();
        return oldest == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - oldest.queuedNanos());
    }

    /** Why the last journal write failed, or null while writes succeed. */
    public String journalProblem() {
        return journalProblem;
    }

    /** For tests and the health check: whether the writer thread is alive. */
    public boolean writerAlive() {
        Thread current = writer;
        return current != null && current.isAlive();
    }
}
