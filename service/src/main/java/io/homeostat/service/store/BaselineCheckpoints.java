package io.homeostat.service.store;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import io.homeostat.service.engine.BaselineSink;
import io.homeostat.service.model.BaselineRecord;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the engine's changed baselines on a thread of its own, so that a slow database never holds
 * the engine. One lot at a time: while one is written the engine keeps collecting changes. A lot the
 * database refuses is counted ({@code homeostat.baselines.checkpoint_failures}) and logged; its
 * series are written again when they next change. A lost checkpoint costs warm-up after a restart,
 * never a decision. Stops after the engine, which hands over its last lot as it stops.
 */
public final class BaselineCheckpoints implements BaselineSink, Managed {
    private static final Logger LOG = LoggerFactory.getLogger(BaselineCheckpoints.class);
    private final BaselineStore store;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "homeostat-baselines");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger pending = new AtomicInteger();
    private final Counter written;
    private final Counter failures;

    public BaselineCheckpoints(BaselineStore store, MetricRegistry metrics) {
        this.store = store;
        this.written = metrics.counter("homeostat.baselines.written");
        this.failures = metrics.counter("homeostat.baselines.checkpoint_failures");
    }

    @Override
    public boolean ready() {
        return pending.get() == 0;
    }

    @Override
    public void write(List<BaselineRecord> changed) {
        pending.incrementAndGet();
        writer.execute(() -> {
            try {
                store.upsert(changed);
                written.inc(changed.size());
            } catch (RuntimeException e) {
                failures.inc();
                LOG.warn("could not store {} changed baselines ({}); they are written again when they next change", changed.size(),
                        e.getMessage());
            } finally {
                pending.decrementAndGet();
            }
        });
    }

    @Override
    public void stop() throws InterruptedException {
        writer.shutdown();
        if (!writer.awaitTermination(30, TimeUnit.SECONDS)) {
            LOG.warn("baselines were still being written after 30 s; the last checkpoint may be incomplete");
            writer.shutdownNow();
        }
    }
}
