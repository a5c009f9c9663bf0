package io.homeostat.service.kafka;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Which consumed records may be committed: a record's offset is committed once the engine evaluated
 * what it carried and the outbox applied the outputs of that evaluation to the store (at-least-once
 * evaluation; the store's idempotency keys make the effect exactly once). Per partition the records
 * are handed to the engine, and evaluated, in offset order; the committable offset is the end of the
 * longest such prefix that is in the store. Items are matched by identity (a signal object, an input).
 * Thread-safe: the feed hands and commits, the engine thread marks.
 */
final class Offsets {
    /** Not evaluated yet. */
    private static final long WAITING = -1;

    private static final class Pending {
        final int partition;
        final long offset;
        long seq = WAITING;

        Pending(int partition, long offset) {
            this.partition = partition;
            this.offset = offset;
        }
    }

    private final Map<Integer, ArrayDeque<Pending>> partitions = new HashMap<>();
    private final Map<Object, Pending> items = new IdentityHashMap<>();

    /** A record of {@code partition} at {@code offset} was handed to the engine as {@code item}. */
    synchronized void handed(int partition, long offset, Object item) {
        Pending pending = new Pending(partition, offset);
        partitions.computeIfAbsent(partition, p -> new ArrayDeque<>()).addLast(pending);
        items.put(item, pending);
    }

    /** A record that carried nothing the engine takes (it could not be read: counted and logged by the feed). */
    synchronized void skipped(int partition, long offset) {
        Pending pending = new Pending(partition, offset);
        pending.seq = 0;
        partitions.computeIfAbsent(partition, p -> new ArrayDeque<>()).addLast(pending);
    }

    /** The engine evaluated {@code item}; its outputs are in outbox entries up to {@code seq}. Unknown items are ignored. */
    synchronized void evaluated(Object item, long seq) {
        Pending pending = items.remove(item);
        if (pending != null) {
            pending.seq = seq;
        }
    }

    /**
     * The offsets to commit now (the next offset to read, per partition) given that the store applied
     * every outbox entry up to {@code appliedSeq}; empty for partitions with nothing new.
     */
    synchronized Map<Integer, Long> committable(long appliedSeq) {
        Map<Integer, Long> commit = new HashMap<>();
        partitions.forEach((partition, queue) -> {
            long next = -1;
            while (!queue.isEmpty() && queue.peekFirst().seq != WAITING && queue.peekFirst().seq <= appliedSeq) {
                next = queue.pollFirst().offset + 1;
            }
            if (next >= 0) {
                commit.put(partition, next);
            }
        });
        return commit;
    }

    /** Whether every record handed from these partitions is committable (or nothing waits). */
    synchronized boolean settled(Collection<Integer> of) {
        for (Integer partition : of) {
            ArrayDeque<Pending> queue = partitions.get(partition);
            if (queue != null && !queue.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Records handed from these partitions and not committed: what a revocation left to be read again by the next owner. */
    synchronized int forget(Collection<Integer> of) {
        int dropped = 0;
        for (Integer partition : of) {
            ArrayDeque<Pending> queue = partitions.remove(partition);
            if (queue != null) {
                dropped += queue.size();
            }
        }
        items.values().removeIf(pending -> of.contains(pending.partition));
        return dropped;
    }

    /** Records handed and not yet committable. */
    synchronized int pending() {
        int count = 0;
        for (ArrayDeque<Pending> queue : partitions.values()) {
            count += queue.size();
        }
        return count;
    }
}
