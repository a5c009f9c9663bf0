package io.homeostat.service.inbox;

import io.homeostat.service.engine.facts.Signal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The bounded hand-off from intake to the engine thread. A batch is admitted whole or not at all
 * ({@link #offerAll}), so that intake can promise "accepted means evaluated" or answer 429; the
 * capacity is held as permits and given back as the engine takes signals.
 */
public final class SignalQueue {
    private final int capacity;
    private final Semaphore free;
    private final LinkedBlockingQueue<Signal> queue = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    /** When the oldest signal of the batch the engine is evaluating (and persisting) was received; 0 when none. */
    private volatile long inFlightSinceNanos;

    public SignalQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.free = new Semaphore(capacity);
    }

    /** Admits all signals, or none when they do not fit or the queue is closed for shutdown. */
    public boolean offerAll(List<Signal> signals) {
        if (closed || !free.tryAcquire(signals.size())) {
            return false;
        }
        queue.addAll(signals);
        return true;
    }

    /** Waits up to {@code timeout} for a first signal, then takes up to {@code max} signals into {@code into}. */
    public int take(List<Signal> into, int max, long timeout, TimeUnit unit) throws InterruptedException {
        Signal first = queue.poll(timeout, unit);
        if (first == null) {
            return 0;
        }
        into.add(first);
        inFlightSinceNanos = first.getReceivedNanos() == 0 ? System.nanoTime() : first.getReceivedNanos();
        int taken = 1 + queue.drainTo(into, max - 1);
        free.release(taken);
        return taken;
    }

    /**
     * The engine has evaluated the batch it took last and handed its outputs on; its session now
     * holds {@code live} signals, {@code resources} resource views and {@code alerts} alerts, and
     * {@code baselines} series have learned baselines.
     */
    public void evaluated(long live, long resources, long alerts, long baselines) {
        inFlightSinceNanos = 0;
        liveSignals = live;
        liveResources = resources;
        liveAlerts = alerts;
        liveBaselines = baselines;
    }

    /** Series with learned baselines after the engine's last batch. */
    public long liveBaselines() {
        return liveBaselines;
    }

    /** Alertmanager alerts the engine's session held after its last batch. */
    public long liveAlerts() {
        return liveAlerts;
    }

    /** Signals the engine's session held after its last batch: what the heap holds, for intake's live-signal bound. */
    public long liveSignals() {
        return liveSignals;
    }

    /** Resources the engine's session kept a view of after its last batch. */
    public long liveResources() {
        return liveResources;
    }

    /**
     * Evaluation lag: how long the oldest signal that was accepted and is not yet fully evaluated has
     * waited (in the engine's current batch, or else at the head of the queue); zero when there is none.
     * It grows while the engine is stuck, whether or not more signals arrive.
     */
    private volatile long liveSignals;
    private volatile long liveResources;
    private volatile long liveAlerts;
    private volatile long liveBaselines;

    public Duration lag() {
        long since = inFlightSinceNanos;
        if (since == 0) {
            Signal head = queue.peek();
            since = head == null ? 0 : head.getReceivedNanos();
        }
        return since == 0 ? Duration.ZERO : Duration.ofNanos(Math.max(0, System.nanoTime() - since));
    }

    /**
     * Takes out the signals waiting (not yet taken by the engine) that {@code which} accepts, and gives
     * their room back: those of resources another engine evaluates from now on (a Kafka partition
     * revoked before its records were settled), which that engine reads again.
     *
     * @return how many were taken out
     */
    public int discard(java.util.function.Predicate<Signal> which) {
        int[] removed = {0};
        queue.removeIf(signal -> {
            boolean matches = which.test(signal);
            if (matches) {
                removed[0]++;
            }
            return matches;
        });
        free.release(removed[0]);
        return removed[0];
    }

    /** Stops admitting signals; those already admitted are still taken by the engine. */
    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    public int depth() {
        return capacity - free.availablePermits();
    }

    public int capacity() {
        return capacity;
    }
}
