package io.homeostat.service.cluster;

import io.dropwizard.lifecycle.Managed;
import io.homeostat.service.model.RemediationRecord;
import io.homeostat.service.retry.FailureLog;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code every}, the attempts left running with no live lease on their resource (the replica
 * running them died, or was paused or cut off past its lease) are handed to the executor, which takes
 * each resource's lease and reconciles the attempt as a restart does: its plugin looks at the world and
 * finishes the job under the same id, never running it twice. Any replica sweeps; the lease decides
 * which one reconciles.
 */
public final class OrphanSweep implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanSweep.class);

    private final Supplier<List<RemediationRecord>> orphaned;
    private final Consumer<RemediationRecord> reconcile;
    private final Duration every;
    private final FailureLog failures = new FailureLog(LOG);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "homeostat-orphan-sweep");
        thread.setDaemon(true);
        return thread;
    });

    public OrphanSweep(Supplier<List<RemediationRecord>> orphaned, Consumer<RemediationRecord> reconcile, Duration every) {
        this.orphaned = Objects.requireNonNull(orphaned, "orphaned");
        this.reconcile = Objects.requireNonNull(reconcile, "reconcile");
        this.every = Objects.requireNonNull(every, "every");
    }

    /** One sweep: how many orphaned attempts were handed over. */
    public int sweep() {
        List<RemediationRecord> found = orphaned.get();
        for (RemediationRecord attempt : found) {
            LOG.warn("remediation {} ({} on {}, decided by replica {}) is running with no live lease on its resource: reconciling it",
                    attempt.id(), attempt.actionId(), attempt.resource(), attempt.replicaId());
            reconcile.accept(attempt);
        }
        return found.size();
    }

    @Override
    public void start() {
        timer.scheduleWithFixedDelay(() -> {
            try {
                sweep();
            } catch (RuntimeException e) {
                failures.threw("the orphan sweep", e);
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        timer.shutdownNow();
    }
}
