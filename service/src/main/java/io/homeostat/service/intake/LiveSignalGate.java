package io.homeostat.service.intake;

import io.homeostat.service.engine.SignalQueue;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses new signals while the engine's session holds as many live signals as the heap is sized
 * for. The live set grows with the signal rate times a signal's lifetime; without a bound a high
 * enough rate ran the JVM out of memory (issue 10: a 384 MiB heap under load), and a service that
 * dies takes every detection with it. With it, memory is bounded whatever the rate: intake answers
 * 503 until signals expire. Logs once when the bound is reached and once when it is left.
 */
public final class LiveSignalGate {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSignalGate.class);

    private final SignalQueue queue;
    private final long bound;
    private final AtomicBoolean full = new AtomicBoolean();

    public LiveSignalGate(SignalQueue queue, long bound) {
        this.queue = Objects.requireNonNull(queue, "queue");
        if (bound < 1) {
            throw new IllegalArgumentException("the live-signal bound must be positive, was " + bound);
        }
        this.bound = bound;
    }

    public long bound() {
        return bound;
    }

    public long live() {
        return queue.liveSignals();
    }

    /** The live signals when they are at the bound (intake refuses), empty when intake may accept. */
    public Optional<Long> exceeded() {
        long live = queue.liveSignals();
        boolean over = live >= bound;
        if (full.compareAndSet(!over, over)) {
            if (over) {
                LOG.warn("the engine holds {} live signals, the bound for this heap ({}): intake answers 503 until signals expire "
                        + "(raise the heap, or intake.maxLiveSignals, or send fewer signals)", live, bound);
            } else {
                LOG.info("live signals back under the bound of {} ({}): intake accepts signals again", bound, live);
            }
        }
        return over ? Optional.of(live) : Optional.empty();
    }
}
