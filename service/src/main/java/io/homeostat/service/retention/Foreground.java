package io.homeostat.service.retention;

import java.time.Duration;

/**
 * The work retention makes way for. Retention is housekeeping: on a small machine, and above all on the
 * embedded database (whose work runs in the service's own JVM), its reads and deletes take the CPU and
 * the store from the engine and the outbox writer. Before each step it asks how far behind they are, and
 * waits while they are busy (as PostgreSQL's vacuum pauses by cost): a long rule evaluation or decisions
 * waiting to be stored go first.
 */
@FunctionalInterface
public interface Foreground {
    /** Nothing to make way for (tests, tools). */
    Foreground NONE = () -> Duration.ZERO;

    /**
     * How long the foreground has been busy with what it is doing now: the engine's current evaluation, or
     * the oldest of the engine's outputs still waiting for the database, whichever is longer; zero when idle.
     */
    Duration busyFor();

    /** The longest of several: busy while any one of them is. */
    @SafeVarargs
    static Foreground longest(java.util.function.Supplier<Duration>... parts) {
        return () -> {
            Duration longest = Duration.ZERO;
            for (java.util.function.Supplier<Duration> part : parts) {
                Duration busy = part.get();
                if (busy.compareTo(longest) > 0) {
                    longest = busy;
                }
            }
            return longest;
        };
    }
}
