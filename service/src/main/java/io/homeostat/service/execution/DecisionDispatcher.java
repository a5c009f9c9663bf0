package io.homeostat.service.execution;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.SlidingTimeWindowArrayReservoir;
import io.homeostat.service.engine.EngineOutputs;
import io.homeostat.service.engine.facts.DecisionOutcome;
import io.homeostat.service.engine.facts.CancelRequest;
import io.homeostat.service.engine.facts.RollbackRequest;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.EscalationRecord;
import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.model.RemediationRecord;
import io.homeostat.service.outbox.Outbox;
import io.homeostat.service.store.Store;
import io.homeostat.service.telemetry.Telemetry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The store end of the outbox: persists a batch's issues, decisions and gate state, with a pending
 * remediation for every RUN decision, in one transaction with the entry's number, and only then
 * hands those remediations and any rollbacks to the executor and new escalations to the notifier.
 */
public final class DecisionDispatcher implements Outbox.Sink {
    private final Store store;
    private final RemediationExecutor executor;
    private final EscalationNotifier notifier;
    private final Histogram latency;
    private final Telemetry telemetry;
    private final IssueLog issueLog = new IssueLog();

    private final String replica;

    /** @param replica this replica's id, recorded on each attempt its engine decides */
    public DecisionDispatcher(Store store, RemediationExecutor executor, EscalationNotifier notifier, MetricRegistry metrics,
                              Telemetry telemetry, String replica) {
        this.replica = Objects.requireNonNull(replica, "replica");
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
        this.store = Objects.requireNonNull(store, "store");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.latency = Objects.requireNonNull(metrics, "metrics").histogram("homeostat.decisions.latency_micros",
                () -> new Histogram(new SlidingTimeWindowArrayReservoir(5, TimeUnit.MINUTES)));
    }

    /** The first gate that did not pass, as the explanation records it; null when every gate passed. */
    private static String blockingGate(DecisionRecord decision) {
        if (decision.explanation() == null) {
            return null;
        }
        for (DecisionRecord.ExplanationEntry entry : decision.explanation()) {
            if (entry.gate() != null && !"pass".equals(entry.verdict())) {
                return entry.gate();
            }
        }
        return null;
    }

    @Override
    public long applied() {
        return store.outboxApplied(replica);
    }

    @Override
    public void apply(long seq, EngineOutputs outputs, boolean dispatch) {
        Instant now = Instant.now();
        List<RemediationRecord> pending = new ArrayList<>();
        List<DecisionRecord> toRun = new ArrayList<>();
        for (DecisionRecord decision : outputs.decisions()) {
            if (decision.outcome().equals(DecisionOutcome.RUN.label())) {
                pending.add(RemediationRecord.pending(UUID.randomUUID().toString(), decision, now, replica));
                toRun.add(decision);
            }
        }
        Optional<List<EscalationRecord>> recorded = store.recordOutputs(replica, seq, outputs, pending);
        if (recorded.isEmpty()) {
            return; // applied before a crash cut the outbox's bookkeeping short
        }
        List<EscalationRecord> escalations = recorded.get();
        outputs.issues().forEach(issueLog::committed);

        java.util.Set<String> opened = java.util.Set.copyOf(outputs.openedIssueIds());
        for (IssueRecord issue : outputs.issues()) {
            if (opened.contains(issue.id())) {
                telemetry.issueOpened(issue.type(), issue.severity());
            }
        }
        for (DecisionRecord decision : outputs.decisions()) {
            telemetry.decided(decision.outcome(), blockingGate(decision));
            if (outputs.oldestSignalNanos() != 0 && dispatch) {
                // From the acceptance of the batch's oldest signal to the commit: an upper bound.
                latency.update(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - outputs.oldestSignalNanos()));
            }
        }
        for (EscalationRecord escalation : escalations) {
            telemetry.escalated(outputs.issues().stream().filter(issue -> issue.id().equals(escalation.issueId())).map(IssueRecord::severity)
                    .findFirst().orElse("unknown"));
        }
        if (!dispatch) {
            // Replayed at start-up: the restore marks these pending attempts interrupted and the rules decide
            // again; the notifier sends pending escalations when it starts.
            return;
        }
        for (int i = 0; i < pending.size(); i++) {
            executor.submit(pending.get(i), toRun.get(i));
        }
        for (RollbackRequest rollback : outputs.rollbacks()) {
            executor.rollback(rollback);
        }
        for (CancelRequest cancel : outputs.cancellations()) {
            executor.cancel(cancel);
        }
        escalations.forEach(notifier::submit);
    }
}
