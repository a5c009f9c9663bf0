package io.homeostat.service.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The one retry policy for work that must get through a passing fault (a database that stopped
 * answering, a lock held too long): exponential backoff from {@code first}, doubling, capped at
 * {@code max}, for at most {@code giveUpAfter} in all. What to do when it gives up is the caller's
 * decision (reconcile, report, retry at the next start), never a dead thread.
 */
public record Backoff(Duration first, Duration max, Duration giveUpAfter) {
    public Backoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(giveUpAfter, "giveUpAfter");
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < first <= max, was " + first + ", " + max);
        }
    }

    /** The pause after the {@code attempt}-th failure (1-based): first, 2×first, 4×first, ... at most max. */
    public Duration delay(int attempt) {
        long millis = first.toMillis();
        for (int i = 1; i < attempt && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }

    /** It kept failing for longer than {@link #giveUpAfter}; the last failure is the cause. */
    public static final class GaveUp extends Exception {
        private static final long serialVersionUID = 1L;
        private final int attempts;

        GaveUp(String what, int attempts, Exception last) {
            super(what + " failed " + attempts + " times; gave up: " + last.getMessage(), last);
            this.attempts = attempts;
        }

        public int attempts() {
            return attempts;
        }
    }

    /**
     * Calls {@code call} until it returns, pausing after each exception, and gives up (throwing
     * {@link GaveUp}) once {@code giveUpAfter} has passed or {@code keepGoing} says stop (the service
     * is stopping). {@code onRetry} sees each failure before the pause.
     */
    public <T> T call(String what, Callable<T> call, Consumer<Exception> onRetry, BooleanSupplier keepGoing)
            throws GaveUp, InterruptedException {
        long deadline = System.nanoTime() + giveUpAfter.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                Duration pause = delay(attempt);
                if (System.nanoTime() + pause.toNanos() > deadline || !keepGoing.getAsBoolean()) {
                    throw new GaveUp(what, attempt, e);
                }
                onRetry.accept(e);
                Thread.sleep(pause.toMillis());
            }
        }
    }
}
