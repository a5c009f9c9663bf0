package io.homeostat.service.intake;

import io.homeostat.service.inbox.SignalQueue;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses new signals while what the engine holds would outgrow the heap. The live set grows with
 * the signal rate times a signal's lifetime; without a bound a high enough rate ran the JVM out of
 * memory (issue 10: a 384 MiB heap under load), and a service that dies takes every detection with
 * it. Held bytes are estimated from the measured costs (docs/BENCHMARKS.md (g)): 449 bytes per live
 * or queued signal and 712 per resource the engine keeps a view of (and an estimated 2 KB per alert).
 * At the budget intake answers
 * 503 until signals expire: memory is bounded whatever the rate. Logs once when the budget is
 * reached and once when it is left.
 */
public final class LiveSignalGate {
    /** Heap per live signal, measured (docs/BENCHMARKS.md (g)). */
    static final long BYTES_PER_SIGNAL = 449;
    /** Heap per tracked resource, measured (docs/BENCHMARKS.md (g), per series). */
    static final long BYTES_PER_RESOURCE = 712;
    /**
     * Heap per Alertmanager alert the engine holds: an estimate, not measured (the fact, its handle, a
     * dozen labels and a few annotations). Counted so that a flood of distinct alerts through an ingest
     * key is refused like a flood of signals.
     */
    static final long BYTES_PER_ALERT = 2_048;
    /** Heap per series with a learned baseline, measured (docs/BENCHMARKS.md (j): 91 bytes). */
    static final long BYTES_PER_BASELINE = 91;
    private static final Logger LOG = LoggerFactory.getLogger(LiveSignalGate.class);

    private final SignalQueue queue;
    private final long budgetBytes;
    private final AtomicBoolean full = new AtomicBoolean();

    public LiveSignalGate(SignalQueue queue, long budgetBytes) {
        this.queue = Objects.requireNonNull(queue, "queue");
        if (budgetBytes < 1) {
            throw new IllegalArgumentException("the live-signal budget must be positive, was " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    /** How many signals the budget holds when it holds nothing else. */
    public long signalCapacity() {
        return budgetBytes / BYTES_PER_SIGNAL;
    }

    /** Signals held: live in the session and waiting in the queue. */
    public long signals() {
        return queue.liveSignals() + queue.depth();
    }

    public long resources() {
        return queue.liveResources();
    }

    /** The estimated bytes the engine holds for its signals and resources. */
    public long heldBytes() {
        return signals() * BYTES_PER_SIGNAL + resources() * BYTES_PER_RESOURCE + queue.liveAlerts() * BYTES_PER_ALERT
                + queue.liveBaselines() * BYTES_PER_BASELINE;
    }

    /** A sentence on what is held against the budget, for answers, the health check and the log. */
    public String describe() {
        return "the engine holds " + signals() + " signals of " + resources() + " resources, " + queue.liveAlerts()
                + " alerts and " + queue.liveBaselines() + " baselines (about " + (heldBytes() >> 20)
                + " MB) against its heap budget of " + (budgetBytes >> 20) + " MB";
    }

    /** Whether the engine holds its budget already (intake refuses), without logging: for the health check. */
    public boolean atBudget() {
        return heldBytes() >= budgetBytes;
    }

    /** {@link #atBudget}, logging once each time the budget is reached and once each time it is left: for intake. */
    public boolean exceeded() {
        boolean over = atBudget();
        if (full.compareAndSet(!over, over)) {
            if (over) {
                LOG.warn("{}: intake answers 503 until signals expire (raise the heap or intake.liveSignalBudget, or send fewer signals)",
                        describe());
            } else {
                LOG.info("{}: intake accepts signals again", describe());
            }
        }
        return over;
    }
}
