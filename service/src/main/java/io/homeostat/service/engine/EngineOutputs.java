package io.homeostat.service.engine;

import io.homeostat.service.engine.facts.CancelRequest;
import io.homeostat.service.engine.facts.RollbackRequest;
import io.homeostat.service.model.AlertRecord;
import io.homeostat.service.model.ApprovalRecord;
import io.homeostat.service.model.AutonomyChangeRecord;
import io.homeostat.service.model.AutonomyRecord;
import io.homeostat.service.model.BreakerRecord;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.EscalationRecord;
import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.model.PredictionRecord;
import io.homeostat.service.model.ProposalRecord;
import io.homeostat.service.model.StatisticsRecord;
import java.util.List;

/**
 * What one engine batch changed: issues opened or updated, decisions that reached an outcome, and
 * the gate state that must survive a restart (proposals, breakers, approvals, learned statistics, autonomy),
 * plus escalations and rollbacks to carry out, and the alerts whose state changed. Immutable copies, safe to hand to other threads.
 *
 * @param issuesOpened how many of {@code issues} were opened in this batch
 * @param openedIssueIds which of {@code issues} were opened in this batch (empty for an entry journaled before they were recorded)
 * @param oldestSignalNanos {@link System#nanoTime()} at which the oldest signal of the batch was
 *     accepted, or 0 when the batch held none; latency metrics count from here
 */
public record EngineOutputs(List<IssueRecord> issues, int issuesOpened, List<DecisionRecord> decisions,
                            List<ProposalRecord> proposals, List<BreakerRecord> breakers, List<ApprovalRecord> approvals,
                            List<StatisticsRecord> statistics, List<EscalationRecord> escalations, List<RollbackRequest> rollbacks,
                            List<AlertRecord> alerts, List<CancelRequest> cancellations, List<PredictionRecord> predictions,
                            List<AutonomyRecord> autonomy, List<AutonomyChangeRecord> autonomyChanges, long oldestSignalNanos,
                            List<String> openedIssueIds) {
    public static final EngineOutputs EMPTY = new EngineOutputs(List.of(), 0, List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), 0, List.of());

    public EngineOutputs {
        issues = List.copyOf(issues);
        decisions = List.copyOf(decisions);
        proposals = List.copyOf(proposals);
        breakers = List.copyOf(breakers);
        approvals = List.copyOf(approvals);
        statistics = List.copyOf(statistics);
        escalations = List.copyOf(escalations);
        rollbacks = List.copyOf(rollbacks);
        // An outbox entry journaled before alerts existed has none.
        alerts = alerts == null ? List.of() : List.copyOf(alerts);
        cancellations = cancellations == null ? List.of() : List.copyOf(cancellations);
        predictions = predictions == null ? List.of() : List.copyOf(predictions);
        autonomy = autonomy == null ? List.of() : List.copyOf(autonomy);
        autonomyChanges = autonomyChanges == null ? List.of() : List.copyOf(autonomyChanges);
        openedIssueIds = openedIssueIds == null ? List.of() : List.copyOf(openedIssueIds);
    }

    public boolean isEmpty() {
        return issues.isEmpty() && decisions.isEmpty() && proposals.isEmpty() && breakers.isEmpty() && approvals.isEmpty()
                && statistics.isEmpty() && escalations.isEmpty() && rollbacks.isEmpty() && alerts.isEmpty()
                && cancellations.isEmpty() && predictions.isEmpty() && autonomy.isEmpty() && autonomyChanges.isEmpty();
    }
}
