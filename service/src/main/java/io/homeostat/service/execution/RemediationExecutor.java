package io.homeostat.service.execution;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.IssueReference;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.service.engine.facts.RemediationOutcome;
import io.homeostat.service.engine.facts.CancelRequest;
import io.homeostat.service.engine.facts.RollbackOutcome;
import io.homeostat.service.inbox.Inbox;
import io.homeostat.service.engine.facts.RollbackRequest;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.model.RemediationRecord;
import io.homeostat.service.plugins.LoadedAction;
import io.homeostat.service.plugins.PluginCaller;
import io.homeostat.service.plugins.PluginRegistry;
import io.homeostat.service.retry.Backoff;
import io.homeostat.service.retry.FailureLog;
import io.homeostat.service.cluster.Cluster;
import io.homeostat.service.cluster.Leases;
import io.homeostat.service.store.LeaseLostException;
import io.homeostat.service.store.LeaseStore;
import io.homeostat.service.store.RemediationStore;
import io.homeostat.service.store.Store;
import io.homeostat.service.telemetry.Telemetry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs remediations off the engine thread. A supervisor thread per remediation marks it running
 * (only if it is still pending: an attempt never runs twice), takes a snapshot when the action is
 * reversible, calls the plugin through {@link PluginCaller}, retries transient failures with
 * exponential backoff under the same idempotency key, rolls back a failed reversible action,
 * records the result and feeds the outcome back to the engine; everything one attempt carries from
 * step to step is its {@link Attempt}. Rollbacks the rules ask for after a failed verification run
 * here too, and so does the reconciliation of attempts a crash left running.
 */
public final class RemediationExecutor implements Managed {
    /** Marking an attempt running and storing its outcome ride out a database fault of up to two minutes. */
    static final Backoff STORE_RETRY = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofMinutes(2));
    private static final Logger LOG = LoggerFactory.getLogger(RemediationExecutor.class);

    private final PluginRegistry plugins;
    private final RemediationStore store;
    private final Store stores;
    private final Inbox inbox;
    private final Function<String, Duration> timeouts;
    private final Function<String, PluginSettings> settings;
    private final ToIntFunction<String> retries;
    private final Duration backoff;
    private final Duration shutdownGrace;
    private final MetricRegistry metrics;
    private final Telemetry telemetry;
    private final ExecutorService supervisors;
    private final PluginCaller caller = new PluginCaller();
    private final AtomicInteger running = new AtomicInteger();
    private final int maxConcurrent;
    /** The attempts in flight, for the executor's health check: what runs, since when, and by when it must have ended. */
    private final Map<String, InFlight> inFlight = new java.util.concurrent.ConcurrentHashMap<>();
    private final ResourceSerializer perResource;
    /** Attempts queued or being reconciled, so that the sweep does not queue one twice. */
    private final java.util.Set<String> reconciling = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final FailureLog storeFailures = new FailureLog(LOG);
    private final Cluster cluster;
    private volatile boolean stopping;

    public RemediationExecutor(PluginRegistry plugins, Store stores, Inbox inbox,
                               Function<String, Duration> timeouts, Function<String, PluginSettings> settings,
                               ToIntFunction<String> retries, Duration backoff, Duration shutdownGrace, int maxConcurrent,
                               MetricRegistry metrics, Telemetry telemetry, Cluster cluster) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
        this.plugins = Objects.requireNonNull(plugins, "plugins");
        this.stores = Objects.requireNonNull(stores, "stores");
        this.store = stores.remediations();
        this.inbox = Objects.requireNonNull(inbox, "inbox");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.retries = Objects.requireNonNull(retries, "retries");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.shutdownGrace = Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.maxConcurrent = maxConcurrent;
        this.supervisors = Executors.newFixedThreadPool(maxConcurrent, PluginCaller.named("homeostat-remediation-"));
        this.perResource = new ResourceSerializer(supervisors);
        metrics.gauge("homeostat.remediations.busy_resources", () -> perResource::busyResources);
        metrics.gauge("homeostat.remediations.running", () -> running::get);
    }

    /** Queues a pending remediation behind any other work on its resource; returns at once. */
    public void submit(RemediationRecord pending, DecisionRecord decision) {
        perResource.execute(key(pending), () -> {
            try (LogIds ids = LogIds.of(pending)) {
                run(pending, decision);
            } catch (RuntimeException e) {
                // No executor path may end its thread with the attempt left hanging: tell the engine, which decides again.
                LOG.error("remediation {} failed inside the executor before it could run", pending.id(), e);
                inbox.report(RemediationOutcome.notStarted(pending.decisionId(), pending.issueId(), pending.tenant(), pending.resource(),
                        pending.actionId(), "executor error: " + e.getMessage(), Instant.now().toEpochMilli()));
            }
        });
    }

    /**
     * Calls off the attempt of a decision if it has not started: recorded {@code cancelled} (then it is
     * never run: marking it running fails) and reported. Started already: nothing changes. Returns at once.
     */
    public void cancel(CancelRequest request) {
        onItsOwnThread(() -> {
            try {
                Optional<RemediationRecord> cancelled = store.cancelPending(request.decisionId(), request.reason(), Instant.now());
                cancelled.ifPresent(attempt -> {
                    LOG.info("remediation {} on {} called off before it started: {}", attempt.id(), attempt.resource(), request.reason());
                    inbox.report(RemediationOutcome.cancelled(attempt.decisionId(), attempt.issueId(), attempt.tenant(), attempt.resource(),
                            attempt.actionId(), request.reason(), Instant.now().toEpochMilli()));
                });
            } catch (RuntimeException e) {
                // It runs then, and verification follows as for any attempt.
                LOG.warn("could not call off the attempt of decision {}: {}", request.decisionId(), e.toString());
            }
        });
    }

    /** The cancellation must not wait behind the very attempts it calls off (all supervisors busy): its own short-lived thread. */
    private static void onItsOwnThread(Runnable work) {
        Thread thread = new Thread(work, "homeostat-cancel");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues the rollback of the attempt of a decision behind any other work on its resource; returns at once. */
    public void rollback(RollbackRequest request) {
        supervisors.execute(() -> {
            Optional<RemediationRecord> found;
            try {
                found = store.forDecision(request.decisionId());
            } catch (RuntimeException e) {
                LOG.error("rollback for decision {}: could not read its attempt", request.decisionId(), e);
                inbox.report(new RollbackOutcome(request.decisionId(), false, "executor error: " + e.getMessage()));
                return;
            }
            if (found.isEmpty()) {
                runRollback(request, found);
            } else {
                perResource.execute(key(found.get()), () -> {
                    try (LogIds ids = LogIds.of(found.get())) {
                        runRollback(request, found);
                    }
                });
            }
        });
    }

    /**
     * At start-up, for an attempt a crash left running: queued behind other work on its resource, its
     * plugin looks at the world and finishes the job under the attempt's id ({@code reconcile}); the
     * outcome is stored and fed back as any attempt's. When the plugin cannot tell, or is gone, the
     * attempt is marked interrupted and verification judges whether it helped.
     */
    public void reconcile(RemediationRecord running) {
        if (!reconciling.add(running.id())) {
            return; // queued already (the sweep found it again before its turn came)
        }
        perResource.execute(key(running), () -> {
            try (LogIds ids = LogIds.of(running)) {
                Leases.Asked asked = cluster.leases().acquire(running.tenant(), running.resource());
                if (asked.held().isEmpty()) {
                    // A live replica holds the resource: it runs or reconciles this attempt itself.
                    LOG.info("not reconciling remediation {}: {} holds {}", running.id(), asked.heldBy().map(LeaseStore.Holder::holder)
                            .orElse("another replica"), running.resource());
                    return;
                }
                try (Leases.Held lease = asked.held().get()) {
                    try {
                        runReconcile(running, lease);
                    } catch (RuntimeException e) {
                        // Still under the lease: the interrupted mark is fenced like every other write of the attempt.
                        LOG.error("reconciling remediation {} failed inside the executor", running.id(), e);
                        interrupted(running, "interrupted by a restart; reconciling it failed: " + e.getMessage(), lease);
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("reconciling remediation {}: could not take the lease on {}; the sweep tries again", running.id(),
                        running.resource(), e);
            } finally {
                reconciling.remove(running.id());
            }
        });
    }

    private void runReconcile(RemediationRecord attempt, Leases.Held lease) {
        Optional<RemediationRecord> now = store.find(attempt.id());
        if (now.isEmpty() || !RemediationRecord.RUNNING.equals(now.get().state())) {
            return; // finished after the sweep read it: its runner was alive after all, and its outcome is stored
        }
        Optional<LoadedAction> found = plugins.action(attempt.actionId());
        Optional<DecisionRecord> decision = stores.decisions().find(attempt.decisionId());
        if (found.isEmpty() || decision.isEmpty()) {
            interrupted(attempt, "interrupted by a restart; " + (found.isEmpty() ? "no loaded plugin provides " + attempt.actionId()
                    : "its decision is not stored") + " to tell whether it acted, so verification decides whether it helped", lease);
            return;
        }
        LoadedAction loaded = found.get();
        running.incrementAndGet();
        loaded.enter();
        try {
            Attempt reconciling = new Attempt(attempt, loaded, new IssueReference(attempt.issueId(), decision.get().issueType(),
                    decision.get().severity(), attempt.tenant()), decision.get().parameters(), settings.apply(loaded.pluginId()),
                    timeouts.apply(attempt.actionId()), attempt.startedAt() == null ? attempt.createdAt() : attempt.startedAt(), lease);
            ServiceActionContext context = reconciling.context();
            PluginCaller.Outcome<Optional<ActionResult>> asked = caller.call(loaded, attempt.actionId() + " reconcile", reconciling.timeout(),
                    () -> loaded.action().reconcile(context, reconciling.started()));
            if (!asked.ok() || asked.value().isEmpty()) {
                interrupted(attempt, "interrupted by a restart; " + (asked.ok() ? attempt.actionId() + " cannot tell whether it acted"
                        : asked.problem()) + ", so verification decides whether it helped", lease);
                return;
            }
            ActionResult result = asked.value().get();
            reconciling.details().putAll(result.details());
            reconciling.details().putIfAbsent("reconciled", "after a restart");
            reconciling.keepLog();
            store.snapshot(attempt.id()).ifPresent(reconciling::snapshot);
            String state = !result.applicable() ? RemediationRecord.NOT_APPLICABLE
                    : result.succeeded() ? RemediationRecord.SUCCEEDED : RemediationRecord.FAILED;
            String by = cluster.replica().id().equals(attempt.replicaId()) || attempt.replicaId() == null ? ""
                    : " (by replica " + cluster.replica().id() + ": " + attempt.replicaId() + " stopped holding " + attempt.resource() + ")";
            finish(reconciling, state, "reconciled after a restart" + by + ": " + result.message(), 1);
        } finally {
            loaded.exit();
            running.decrementAndGet();
        }
    }

    /** An attempt in flight and the latest it can end: each try's timeout, the retries' pauses, and a margin for its own writes. */
    public record InFlight(String remediationId, String actionId, String resource, String issueType, Instant started, Instant budgetEnds) {
        static InFlight of(RemediationRecord attempt, String issueType, Instant started, Duration timeout, int retries) {
            Duration budget = timeout.multipliedBy(retries + 1L).plus(Duration.ofSeconds(31L * Math.max(0, retries))).plus(Duration.ofMinutes(2));
            return new InFlight(attempt.id(), attempt.actionId(), attempt.resource(), issueType, started, started.plus(budget));
        }
    }

    /** What the executor carries now: attempts running, its concurrency, resources with work running or waiting, those in flight. */
    public record Load(int running, int maxConcurrent, int busyResources, List<InFlight> inFlight) {
        public boolean saturated() {
            return running >= maxConcurrent && busyResources > running;
        }
    }

    public Load load() {
        return new Load(running.get(), maxConcurrent, perResource.busyResources(), List.copyOf(inFlight.values()));
    }

    /** running → interrupted, stored and fed back, so that verification decides whether the attempt helped. */
    private void interrupted(RemediationRecord attempt, String message, Leases.Held lease) {
        Instant now = Instant.now();
        try {
            fenced("marking remediation " + attempt.id() + " interrupted", () -> {
                store.interruptRunning(attempt, message, now, lease == null ? null : lease.lease());
                return null;
            });
        } catch (LeaseLostException e) {
            leaseLost(attempt, "marking it interrupted");
            return;
        } catch (Backoff.GaveUp e) {
            LOG.error("could not mark remediation {} interrupted ({}); it is reconciled again at the next start", attempt.id(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        LOG.warn("remediation {} ({} on {}): {}", attempt.id(), attempt.actionId(), attempt.resource(), message);
        inbox.report(RemediationOutcome.interrupted(attempt.decisionId(), attempt.issueId(), attempt.tenant(), attempt.resource(),
                attempt.actionId(), message, now.toEpochMilli(), store.snapshot(attempt.id()).isPresent()));
    }

    private static String key(RemediationRecord remediation) {
        return remediation.tenant() + "\u0000" + remediation.resource();
    }

    private void run(RemediationRecord pending, DecisionRecord decision) {
        Optional<LoadedAction> found = plugins.action(pending.actionId());
        if (found.isEmpty()) {
            finish(pending, RemediationRecord.FAILED, "no loaded plugin provides " + pending.actionId(), Map.of(), Instant.now(), 0, false,
                    null);
            return;
        }
        Leases.Asked asked;
        try {
            asked = STORE_RETRY.call("taking the lease on " + pending.resource(), () -> cluster.leases().acquire(pending.tenant(),
                    pending.resource()), this::storeRetry, () -> !stopping);
        } catch (Backoff.GaveUp e) {
            notStarted(pending, "the database could not grant the resource's lease", e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (asked.held().isEmpty()) {
            LeaseStore.Holder holder = asked.heldBy().orElseThrow();
            Duration wait = Duration.between(Instant.now(), holder.until());
            heldBack(pending, new RemediationStore.Refusal("cluster.resource", holder.holder() + " holds " + pending.resource()
                    + " until " + holder.until() + " (it is remediating it)", wait.compareTo(cluster.leases().ttl()) > 0 ? wait
                    : cluster.leases().ttl(), Map.of("holder", holder.holder(), "until", holder.until().toString())), true);
            return;
        }
        try (Leases.Held lease = asked.held().get()) {
            run(pending, decision, found.get(), lease);
        }
    }

    private void run(RemediationRecord pending, DecisionRecord decision, LoadedAction loaded, Leases.Held lease) {
        Instant started = Instant.now();
        RemediationStore.Start start;
        try {
            // Persist before act: the action runs only once its row says running, fenced by the lease and admitted
            // by the cluster in the same transaction. A database error here used to kill this thread and leave the
            // attempt pending and its issue remediating.
            start = fenced("marking remediation " + pending.id() + " running", () -> store.markRunning(pending.id(), loaded.pluginId(),
                    started, lease.lease(), cluster.admission().of(pending, decision)));
        } catch (LeaseLostException e) {
            heldBack(pending, new RemediationStore.Refusal("cluster.resource", "the lease on " + pending.resource()
                    + " was lost before the attempt started", cluster.leases().ttl(), Map.of()), true);
            return;
        } catch (Backoff.GaveUp e) {
            notStarted(pending, "the database could not record it", e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (start.refused().isPresent()) {
            heldBack(pending, start.refused().get(), false);
            return;
        }
        if (!start.started()) {
            LOG.warn("remediation {} is no longer pending; not running it again", pending.id());
            return;
        }
        running.incrementAndGet();
        inFlight.put(pending.id(), InFlight.of(pending, decision.issueType(), started, timeouts.apply(pending.actionId()),
                retries.applyAsInt(pending.actionId())));
        loaded.enter(); // a replaced plugin is unloaded only when this call has returned
        try {
            Attempt attempt = new Attempt(pending, loaded, new IssueReference(pending.issueId(), decision.issueType(), decision.severity(),
                    pending.tenant()), decision.parameters(), settings.apply(loaded.pluginId()), timeouts.apply(pending.actionId()), started,
                    lease);
            act(attempt);
        } catch (LeaseLostException e) {
            leaseLost(pending, "acting");
        } catch (RuntimeException e) {
            LOG.error("remediation {} failed inside the executor", pending.id(), e);
            finish(pending, RemediationRecord.FAILED, "executor error: " + e.getMessage(), Map.of(), started, 0, false, lease);
        } finally {
            loaded.exit();
            inFlight.remove(pending.id());
            running.decrementAndGet();
        }
    }

    /** The database gave out before the attempt could start: the gates decide it again. */
    private void notStarted(RemediationRecord pending, String why, Backoff.GaveUp cause) {
        LOG.error("remediation {} not started: {}; the gates decide it again", pending.id(), cause.getMessage());
        inbox.report(RemediationOutcome.notStarted(pending.decisionId(), pending.issueId(), pending.tenant(), pending.resource(),
                pending.actionId(), "not started: " + why, Instant.now().toEpochMilli()));
    }

    /**
     * The cluster did not let the attempt start: recorded {@code cancelled} with the reason (unless the
     * admission already did) and told to the engine, whose rules defer the proposal and decide again.
     */
    private void heldBack(RemediationRecord pending, RemediationStore.Refusal refusal, boolean record) {
        String reason = refusal.gate() + ": " + refusal.reason();
        LOG.info("remediation {} ({} on {}) held back: {}", pending.id(), pending.actionId(), pending.resource(), reason);
        metrics.counter("homeostat.remediations.held_back").inc();
        if (record) {
            try {
                store.cancelPending(pending.decisionId(), reason, Instant.now());
            } catch (RuntimeException e) {
                // Still pending then: this replica's next start marks it interrupted; it never runs under this id here.
                LOG.warn("could not record remediation {} as held back: {}", pending.id(), e.toString());
            }
        }
        inbox.report(RemediationOutcome.heldElsewhere(pending.decisionId(), pending.issueId(), pending.tenant(), pending.resource(),
                pending.actionId(), refusal.gate(), reason, Instant.now().toEpochMilli(), Math.max(1000, refusal.retryAfter().toMillis())));
    }

    /**
     * The resource's lease went while this replica worked on the attempt (it was paused or cut off past it):
     * another replica takes the resource over and reconciles the attempt. This one acts no further and writes
     * nothing; it tells its engine what the store says happened, or, while the new holder has not finished,
     * that the attempt was interrupted (verification judges whether it helped).
     */
    private void leaseLost(RemediationRecord attempt, String during) {
        metrics.counter("homeostat.remediations.lease_lost").inc();
        LOG.warn("remediation {} ({} on {}): lost the resource's lease while {}; acting no further, writing nothing: another replica "
                + "reconciles it", attempt.id(), attempt.actionId(), attempt.resource(), during);
        Optional<RemediationRecord> stored;
        try {
            stored = store.find(attempt.id());
        } catch (RuntimeException e) {
            stored = Optional.empty();
        }
        long now = Instant.now().toEpochMilli();
        String state = stored.map(RemediationRecord::state).orElse(RemediationRecord.RUNNING);
        String message = "lost the lease on " + attempt.resource() + " while " + during + "; " + stored.map(RemediationRecord::message)
                .orElse("");
        if (RemediationRecord.SUCCEEDED.equals(state) || RemediationRecord.FAILED.equals(state)) {
            inbox.report(RemediationOutcome.finished(attempt.decisionId(), attempt.issueId(), attempt.tenant(), attempt.resource(),
                    attempt.actionId(), RemediationRecord.SUCCEEDED.equals(state), message, now, store.snapshot(attempt.id()).isPresent()));
        } else if (RemediationRecord.NOT_APPLICABLE.equals(state)) {
            inbox.report(RemediationOutcome.notApplicable(attempt.decisionId(), attempt.issueId(), attempt.tenant(), attempt.resource(),
                    attempt.actionId(), message, now));
        } else {
            inbox.report(RemediationOutcome.interrupted(attempt.decisionId(), attempt.issueId(), attempt.tenant(), attempt.resource(),
                    attempt.actionId(), message, now, false));
        }
    }

    /** A store write that retries through a passing fault but not through a lost lease: that one is final. */
    private <T> T fenced(String what, java.util.concurrent.Callable<T> write) throws Backoff.GaveUp, InterruptedException {
        java.util.concurrent.atomic.AtomicReference<LeaseLostException> lost = new java.util.concurrent.atomic.AtomicReference<>();
        T result = STORE_RETRY.call(what, () -> {
            try {
                return write.call();
            } catch (LeaseLostException e) {
                lost.set(e);
                return null;
            }
        }, this::storeRetry, () -> !stopping);
        if (lost.get() != null) {
            throw lost.get();
        }
        return result;
    }

    /** Snapshot (when reversible), execute with retries of transient failures, undo a failure that has a snapshot, finish. */
    private void act(Attempt attempt) {
        if (attempt.loaded().action().metadata().reversible()) {
            confirmLease(attempt, "before its snapshot");
            ServiceActionContext context = attempt.context();
            PluginCaller.Outcome<Optional<String>> taken = caller.call(attempt.loaded(), attempt.actionId() + " snapshot", attempt.timeout(),
                    () -> attempt.loaded().action().snapshot(context));
            if (!taken.ok()) {
                finish(attempt, RemediationRecord.FAILED, "no snapshot, so not acting: " + taken.problem(), 0);
                return;
            }
            if (taken.value().isPresent()) {
                store.saveSnapshot(attempt.record().id(), taken.value().get(), attempt.lease().lease());
                attempt.snapshot(taken.value().get());
            }
        }
        PluginCaller.Retried retried = PluginCaller.retrying(retries.applyAsInt(attempt.actionId()) + 1, backoff, () -> {
            // Each try only while the lease is still ours: a replica that was paused past it must not act when it wakes.
            confirmLease(attempt, "before calling " + attempt.actionId());
            ServiceActionContext call = attempt.context();
            return caller.action(attempt.loaded(), attempt.actionId(), attempt.timeout(), () -> attempt.loaded().action().execute(call));
        }, () -> metrics.counter("homeostat.remediations.retries").inc());
        if (retried.interrupted()) {
            // The service is stopping and could not wait: whether the action acted is unknown. The row
            // stays "running"; start-up reconciliation looks at the world. Never recorded as failed.
            LOG.warn("service stopping: remediation {} ({}) left running; it is reconciled at the next start",
                    attempt.record().id(), attempt.actionId());
            return;
        }
        ActionResult result = retried.result();
        attempt.details().putAll(result.details());
        attempt.keepLog();
        String message = result.message();
        if (!result.applicable()) {
            // It did nothing: recorded as such, and the rules try the next strategy without counting a failure.
            finish(attempt, RemediationRecord.NOT_APPLICABLE, message, retried.attempts());
            return;
        }
        if (!result.succeeded() && attempt.snapshot() != null) {
            // It failed partway: put things back as they were before reporting the failure.
            ActionResult undone = undo(attempt);
            attempt.details().put("rollback", undone.succeeded() ? "succeeded" : "failed");
            message = message + "; rollback " + (undone.succeeded() ? "succeeded" : "failed: " + undone.message());
        }
        finish(attempt, result.succeeded() ? RemediationRecord.SUCCEEDED : RemediationRecord.FAILED, message, retried.attempts());
    }

    /** Throws {@link LeaseLostException} when the database no longer says the attempt's lease is this replica's. */
    private static void confirmLease(Attempt attempt, String when) {
        if (!attempt.lease().confirm()) {
            throw new LeaseLostException(attempt.lease().lease(), when);
        }
    }

    private ActionResult undo(Attempt attempt) {
        confirmLease(attempt, "before rolling back");
        ServiceActionContext context = attempt.context();
        ActionResult result = caller.action(attempt.loaded(), attempt.actionId() + " rollback", attempt.timeout(),
                () -> attempt.loaded().action().rollback(context, attempt.snapshot()));
        store.recordRollback(attempt.record().id(), result.succeeded() ? RemediationRecord.SUCCEEDED : RemediationRecord.FAILED,
                result.message(), attempt.lease().lease());
        metrics.counter("homeostat.rollbacks." + (result.succeeded() ? "succeeded" : "failed")).inc();
        LOG.info("rollback of remediation {} ({}) on {}: {}", attempt.record().id(), attempt.actionId(), attempt.record().resource(),
                result.message());
        return result;
    }

    private void runRollback(RollbackRequest request, Optional<RemediationRecord> found) {
        boolean succeeded = false;
        String message;
        Leases.Asked asked = null;
        try {
            Optional<String> snapshot = found.flatMap(remediation -> store.snapshot(remediation.id()));
            Optional<LoadedAction> loaded = found.flatMap(remediation -> plugins.action(remediation.actionId()));
            if (found.isEmpty() || snapshot.isEmpty()) {
                message = "nothing to roll back to: no snapshot was taken";
            } else if (loaded.isEmpty()) {
                message = "no loaded plugin provides " + found.get().actionId() + " to roll it back";
            } else if (!(asked = cluster.leases().acquire(found.get().tenant(), found.get().resource())).held().isPresent()) {
                message = "not rolled back: " + asked.heldBy().map(LeaseStore.Holder::holder).orElse("another replica") + " holds "
                        + found.get().resource();
            } else {
                RemediationRecord remediation = found.get();
                Optional<DecisionRecord> decision = stores.decisions().find(remediation.decisionId());
                Optional<IssueRecord> known = stores.issues().find(remediation.issueId());
                IssueReference issue = new IssueReference(remediation.issueId(),
                        decision.map(DecisionRecord::issueType).or(() -> known.map(IssueRecord::type)).orElse("unknown"),
                        decision.map(DecisionRecord::severity).or(() -> known.map(IssueRecord::severity)).orElse("unknown"),
                        remediation.tenant());
                ActionResult result;
                loaded.get().enter();
                try (Leases.Held lease = asked.held().get()) {
                    Attempt attempt = new Attempt(remediation, loaded.get(), issue, decision.map(DecisionRecord::parameters).orElse(Map.of()),
                            settings.apply(loaded.get().pluginId()), timeouts.apply(remediation.actionId()), Instant.now(), lease);
                    attempt.snapshot(snapshot.get());
                    result = undo(attempt);
                } finally {
                    loaded.get().exit();
                }
                succeeded = result.succeeded();
                message = result.message();
            }
        } catch (LeaseLostException e) {
            message = "not rolled back: the lease on the resource was lost (another replica took it over)";
        } catch (RuntimeException e) {
            LOG.error("rollback for decision {} failed inside the executor", request.decisionId(), e);
            message = "executor error: " + e.getMessage();
        }
        inbox.report(new RollbackOutcome(request.decisionId(), succeeded, message));
    }

    private void finish(Attempt attempt, String state, String message, int attempts) {
        finish(attempt.record(), state, message, attempt.details(), attempt.started(), attempts,
                attempt.snapshot() != null && RemediationRecord.SUCCEEDED.equals(state), attempt.lease());
    }

    /** @param lease the resource's lease the outcome is fenced by; null when no plugin was called (nothing to fence) */
    private void finish(RemediationRecord pending, String state, String message, Map<String, String> details, Instant started,
                        int attempts, boolean snapshotTaken, Leases.Held lease) {
        Instant finished = Instant.now();
        long duration = Duration.between(started, finished).toMillis();
        if (!recordFinish(pending, state, message, details, finished, duration, attempts, lease)) {
            leaseLost(pending, "recording its outcome (" + state + ": " + message + ")");
            return;
        }
        metrics.timer("homeostat.remediations.duration").update(Duration.ofMillis(duration));
        telemetry.remediationEnded(issueType(pending), pending.actionId(), state, Duration.ofMillis(duration));
        LOG.info("remediation {} {} on {}: {} ({} ms)", pending.id(), state, pending.resource(), message, duration);
        inbox.report(RemediationRecord.NOT_APPLICABLE.equals(state)
                ? RemediationOutcome.notApplicable(pending.decisionId(), pending.issueId(), pending.tenant(), pending.resource(),
                        pending.actionId(), message, finished.toEpochMilli())
                : RemediationOutcome.finished(pending.decisionId(), pending.issueId(), pending.tenant(), pending.resource(),
                        pending.actionId(), RemediationRecord.SUCCEEDED.equals(state), message, finished.toEpochMilli(), snapshotTaken));
    }

    /**
     * The attempt's issue type for metrics: from its decision while it runs; read from the store only for an attempt that
     * ended before it ran or was reconciled after a restart, and unknown when the store cannot say now.
     */
    private String issueType(RemediationRecord pending) {
        InFlight running = inFlight.get(pending.id());
        if (running != null) {
            return running.issueType();
        }
        try {
            return stores.issues().find(pending.issueId()).map(io.homeostat.service.model.IssueRecord::type).orElse("unknown");
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * Stores an attempt's outcome, retrying through a passing database fault. Given up, the row stays
     * "running" and start-up reconciles it (verification); the outcome still reaches the engine so
     * that the resource is not held forever.
     */
    private boolean recordFinish(RemediationRecord pending, String state, String message, Map<String, String> details, Instant finished,
                                 long duration, int attempts, Leases.Held lease) {
        try {
            fenced("recording the outcome of remediation " + pending.id(), () -> {
                store.finish(pending.id(), state, message, details, finished, duration, attempts, lease == null ? null : lease.lease());
                return null;
            });
        } catch (LeaseLostException e) {
            return false;
        } catch (Backoff.GaveUp e) {
            LOG.error("could not record the outcome of remediation {} ({}); it is reconciled at the next start", pending.id(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private void storeRetry(Exception e) {
        metrics.counter("homeostat.remediations.store_retries").inc();
        storeFailures.threw("the remediation store", e);
    }

    @Override
    public void start() {
        // Threads start lazily with the first remediation.
    }

    @Override
    public void stop() throws InterruptedException {
        stopping = true;
        supervisors.shutdown();
        if (!supervisors.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)) {
            supervisors.shutdownNow();
            supervisors.awaitTermination(5, TimeUnit.SECONDS);
        }
        caller.close();
    }
}
