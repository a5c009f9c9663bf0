package io.homeostat.service.execution;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One piece of work per resource at a time, whatever asked for it: an automatic restart, an
 * operator's override run and a rollback of the same resource run one after the other, never
 * together (two overlapping restarts once left two children with the pid file tracking one).
 * Work for a busy resource waits in that resource's queue without holding a thread.
 */
final class ResourceSerializer {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceSerializer.class);

    private final Executor threads;
    private final Map<String, Deque<Runnable>> waiting = new HashMap<>();

    ResourceSerializer(Executor threads) {
        this.threads = Objects.requireNonNull(threads, "threads");
    }

    /** Runs {@code work} on the executor once no earlier work for {@code resource} is running or waiting. */
    void execute(String resource, Runnable work) {
        synchronized (waiting) {
            Deque<Runnable> queue = waiting.get(resource);
            if (queue != null) {
                queue.add(work);
                return;
            }
            waiting.put(resource, new ArrayDeque<>());
        }
        start(resource, work);
    }

    /** How many resources have work running or waiting (the gauge homeostat.remediations.busy_resources). */
    int busyResources() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    private void start(String resource, Runnable work) {
        try {
            threads.execute(() -> {
                try {
                    work.run();
                } finally {
                    next(resource);
                }
            });
        } catch (RejectedExecutionException stopping) {
            // The service is stopping: what had not started stays pending in the store and is reconciled at the next start.
            LOG.warn("not starting queued work for {}: the executor is stopping", resource);
            synchronized (waiting) {
                waiting.remove(resource);
            }
        }
    }

    private void next(String resource) {
        Runnable following;
        synchronized (waiting) {
            Deque<Runnable> queue = waiting.get(resource);
            following = queue == null ? null : queue.poll();
            if (following == null) {
                waiting.remove(resource);
                return;
            }
        }
        start(resource, following);
    }
}
