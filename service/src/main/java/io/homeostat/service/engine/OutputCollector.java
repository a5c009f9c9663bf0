package io.homeostat.service.engine;

import io.homeostat.service.engine.facts.ActionStats;
import io.homeostat.service.engine.facts.Alert;
import io.homeostat.service.engine.facts.Approval;
import io.homeostat.service.engine.facts.Autonomy;
import io.homeostat.service.engine.facts.AutonomyChange;
import io.homeostat.service.engine.facts.Breaker;
import io.homeostat.service.engine.facts.CancelRequest;
import io.homeostat.service.engine.facts.Decision;
import io.homeostat.service.engine.facts.DecisionOutcome;
import io.homeostat.service.engine.facts.Escalation;
import io.homeostat.service.engine.facts.ExplanationStep;
import io.homeostat.service.engine.facts.Issue;
import io.homeostat.service.engine.facts.Prediction;
import io.homeostat.service.engine.facts.Proposal;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kie.api.event.rule.ObjectDeletedEvent;
import org.kie.api.event.rule.ObjectInsertedEvent;
import org.kie.api.event.rule.ObjectUpdatedEvent;
import org.kie.api.event.rule.RuleRuntimeEventListener;

/**
 * The session's one output path. Watches inserts and updates of the facts that leave the session
 * (issues, decisions, proposals, breakers, approvals, statistics, escalations, rollback requests, alerts, autonomy)
 * during a batch and, after the batch, turns them into immutable records: rules only write facts,
 * and this is how those facts leave the session. Runs on the engine thread only.
 */
final class OutputCollector implements RuleRuntimeEventListener {
    private final Map<String, Issue> changedIssues = new LinkedHashMap<>();
    private final Map<String, Decision> changedDecisions = new LinkedHashMap<>();
    private final Map<String, Proposal> changedProposals = new LinkedHashMap<>();
    private final Map<Breaker, Boolean> changedBreakers = new IdentityHashMap<>();
    private final Map<String, Approval> changedApprovals = new LinkedHashMap<>();
    private final Map<ActionStats, Boolean> changedStatistics = new IdentityHashMap<>();
    private final List<Escalation> escalations = new ArrayList<>();
    private final List<RollbackRequest> rollbacks = new ArrayList<>();
    private final Map<Alert, Boolean> changedAlerts = new IdentityHashMap<>();
    private final List<CancelRequest> cancellations = new ArrayList<>();
    private final List<Prediction> predictions = new ArrayList<>();
    private final Map<Autonomy, Boolean> changedAutonomy = new IdentityHashMap<>();
    private final List<AutonomyChange> autonomyChanges = new ArrayList<>();
    private boolean restoring;
    private int issuesOpened;
    /** The ids of the issues opened in this batch, for metrics by type. */
    private final List<String> openedIssueIds = new ArrayList<>();

    /** While restoring state at start-up, inserts are not outputs: they came from the store. */
    void restoring(boolean value) {
        restoring = value;
    }


    @Override
    public void objectInserted(ObjectInsertedEvent event) {
        if (restoring) {
            return;
        }
        Object fact = event.getObject();
        if (fact instanceof Issue issue) {
            issuesOpened++;
            openedIssueIds.add(issue.getId());
        } else if (fact instanceof Escalation escalation) {
            escalations.add(escalation);
        } else if (fact instanceof RollbackRequest rollback) {
            rollbacks.add(rollback);
        } else if (fact instanceof CancelRequest cancel) {
            cancellations.add(cancel);
        } else if (fact instanceof Prediction prediction) {
            predictions.add(prediction);
        } else if (fact instanceof AutonomyChange change) {
            autonomyChanges.add(change);
        }
        track(fact);
    }

    @Override
    public void objectUpdated(ObjectUpdatedEvent event) {
        track(event.getObject());
    }

    @Override
    public void objectDeleted(ObjectDeletedEvent event) {
        // A deleted fact was persisted when it changed; nothing more to say about it.
    }

    private void track(Object fact) {
        if (fact instanceof Issue issue) {
            changedIssues.put(issue.getId(), issue);
        } else if (fact instanceof Decision decision) {
            changedDecisions.put(decision.getId(), decision);
        } else if (fact instanceof Proposal proposal) {
            changedProposals.put(proposal.getId(), proposal);
        } else if (fact instanceof Breaker breaker) {
            changedBreakers.put(breaker, Boolean.TRUE);
        } else if (fact instanceof Approval approval) {
            changedApprovals.put(approval.getId(), approval);
        } else if (fact instanceof ActionStats stats) {
            changedStatistics.put(stats, Boolean.TRUE);
        } else if (fact instanceof Alert alert) {
            changedAlerts.put(alert, Boolean.TRUE);
        } else if (fact instanceof Autonomy autonomy) {
            changedAutonomy.put(autonomy, Boolean.TRUE);
        }
    }

    /** The records of everything that changed since the last call; {@code now} is session time. */
    EngineOutputs drain(long now, long oldestSignalNanos) {
        if (changedIssues.isEmpty() && changedDecisions.isEmpty() && changedProposals.isEmpty() && changedBreakers.isEmpty()
                && changedApprovals.isEmpty() && changedStatistics.isEmpty() && escalations.isEmpty() && rollbacks.isEmpty()
                && changedAlerts.isEmpty() && cancellations.isEmpty() && predictions.isEmpty() && changedAutonomy.isEmpty()
                && autonomyChanges.isEmpty()) {
            return EngineOutputs.EMPTY;
        }
        Instant at = Instant.ofEpochMilli(now);
        List<IssueRecord> issues = new ArrayList<>(changedIssues.size());
        for (Issue issue : changedIssues.values()) {
            issues.add(record(issue, at));
        }
        List<DecisionRecord> decisions = new ArrayList<>();
        for (Decision decision : changedDecisions.values()) {
            // A decision leaves once, when it reaches an outcome; decidedAt marks that it has left.
            // A deferral repeated by the same gate is not recorded again (the first one says it all).
            if (decision.getOutcome() != DecisionOutcome.PENDING && decision.getDecidedAt() == 0) {
                decision.setDecidedAt(now);
                if (!decision.isRepeat()) {
                    decisions.add(record(decision));
                }
            }
        }
        List<ProposalRecord> proposals = new ArrayList<>();
        for (Proposal proposal : changedProposals.values()) {
            proposals.add(new ProposalRecord(proposal.getId(), proposal.getIssueId(), proposal.getActionId(), proposal.getParameters(),
                    proposal.getOrder(), proposal.getProposedBy(), proposal.getState().label(), proposal.isDryRun(),
                    proposal.getManualBy(), proposal.getOverrideReason(),
                    proposal.getDeferredSince() == 0 ? null : Instant.ofEpochMilli(proposal.getDeferredSince()),
                    proposal.getDecisionId(), proposal.getEscalationReason(), at));
        }
        List<BreakerRecord> breakers = new ArrayList<>();
        for (Breaker breaker : changedBreakers.keySet()) {
            breakers.add(new BreakerRecord(breaker.getTenant(), breaker.getResource(), breaker.getActionId(), breaker.getState().label(),
                    breaker.getConsecutiveFailures(), breaker.getOpenedAt() == 0 ? null : Instant.ofEpochMilli(breaker.getOpenedAt()),
                    breaker.getTrialDecisionId(), at));
        }
        List<ApprovalRecord> approvals = new ArrayList<>();
        for (Approval approval : changedApprovals.values()) {
            approvals.add(new ApprovalRecord(approval.getId(), approval.getDecisionId(), approval.getProposalId(), approval.getIssueId(),
                    approval.getTenant(), approval.getResource(), approval.getActionId(), approval.getRisk(), approval.getState().label(),
                    Instant.ofEpochMilli(approval.getRequestedAt()), Instant.ofEpochMilli(approval.getExpiresAt()),
                    approval.getDecidedBy(), approval.getReason(),
                    approval.getDecidedAt() == 0 ? null : Instant.ofEpochMilli(approval.getDecidedAt())));
        }
        List<StatisticsRecord> statistics = new ArrayList<>();
        for (ActionStats stats : changedStatistics.keySet()) {
            statistics.add(new StatisticsRecord(stats.getIssueType(), stats.getActionId(), stats.getResourceKind(), stats.getAttempts(),
                    stats.getSuccesses(), stats.getTotalRecoveryMillis()));
        }
        List<EscalationRecord> escalated = new ArrayList<>();
        for (Escalation escalation : escalations) {
            escalated.add(new EscalationRecord(escalation.id(), escalation.issueId(), escalation.tenant(), escalation.resource(),
                    escalation.issueType(), escalation.reason(), Instant.ofEpochMilli(escalation.time()), EscalationRecord.PENDING,
                    "waiting for the notifier", null));
        }
        List<AlertRecord> alerts = new ArrayList<>();
        for (Alert alert : changedAlerts.keySet()) {
            alerts.add(new AlertRecord(alert.getTenant(), alert.getFingerprint(), alert.getAlertname(), alert.getResource(),
                    alert.getIssueType(), alert.getSeverity() == null ? null : alert.getSeverity().label(),
                    alert.isFiring() ? AlertRecord.FIRING : AlertRecord.RESOLVED, Instant.ofEpochMilli(alert.getStartsAt()),
                    alert.getEndsAt() == 0 ? null : Instant.ofEpochMilli(alert.getEndsAt()), alert.getHoldOffMillis(), alert.getLabels(),
                    alert.getAnnotations(), alert.getSource(), Instant.ofEpochMilli(alert.getUpdatedAt())));
        }
        List<PredictionRecord> predicted = new ArrayList<>(predictions.size());
        for (Prediction prediction : predictions) {
            predicted.add(new PredictionRecord(prediction.getId(), prediction.getTenant(), prediction.getResource(), prediction.getKind(),
                    prediction.getMetric(), prediction.getThreshold(), prediction.getBucket(), prediction.getHoursLeft(),
                    prediction.getConfidence(), prediction.getIssueType(), Instant.ofEpochMilli(prediction.getPredictedAt()),
                    Instant.ofEpochMilli(prediction.getHorizonAt()), null, null));
        }
        predictions.clear();
        List<AutonomyRecord> autonomy = new ArrayList<>(changedAutonomy.size());
        for (Autonomy pair : changedAutonomy.keySet()) {
            autonomy.add(new AutonomyRecord(pair.getTenant(), pair.getIssueType(), pair.getActionId(), pair.getMode().label(),
                    pair.isPinned(), pair.getOutcomes(), pair.getFailureRun(), pair.getSuccessesSinceChange(), pair.getObserved(),
                    pair.getChangedBy(), Instant.ofEpochMilli(pair.getChangedAt())));
        }
        List<AutonomyChangeRecord> changes = new ArrayList<>(autonomyChanges.size());
        for (AutonomyChange change : autonomyChanges) {
            changes.add(new AutonomyChangeRecord(change.id(), change.tenant(), change.issueType(), change.actionId(), change.kind(),
                    change.from().label(), change.to().label(), change.by(), change.reason(), change.figures(),
                    Instant.ofEpochMilli(change.time())));
        }
        changedAutonomy.clear();
        autonomyChanges.clear();
        EngineOutputs outputs = new EngineOutputs(issues, issuesOpened, decisions, proposals, breakers, approvals, statistics, escalated,
                rollbacks, alerts, cancellations, predicted, autonomy, changes, oldestSignalNanos, List.copyOf(openedIssueIds));
        openedIssueIds.clear();
        changedIssues.clear();
        changedDecisions.clear();
        changedProposals.clear();
        changedBreakers.clear();
        changedApprovals.clear();
        changedStatistics.clear();
        escalations.clear();
        rollbacks.clear();
        changedAlerts.clear();
        cancellations.clear();
        issuesOpened = 0;
        return outputs;
    }

    private static IssueRecord record(Issue issue, Instant updatedAt) {
        return new IssueRecord(issue.getId(), issue.getTenant(), issue.getFingerprint(), issue.getResource(), issue.getType(),
                issue.getSeverity().label(), issue.getCategory(), issue.getState().label(), issue.getSummary(), issue.getOpenedBy(),
                issue.getEvidenceCount(), Instant.ofEpochMilli(issue.getOpenedAt()), Instant.ofEpochMilli(issue.getLastEvidenceAt()),
                issue.getResolvedAt() == 0 ? null : Instant.ofEpochMilli(issue.getResolvedAt()), updatedAt,
                List.copyOf(issue.getReporters()), issue.getLastClearAt() == 0 ? null : Instant.ofEpochMilli(issue.getLastClearAt()),
                issue.getRootCause(), issue.getRootCauseChain());
    }

    private static DecisionRecord record(Decision decision) {
        List<DecisionRecord.ExplanationEntry> explanation = new ArrayList<>();
        for (ExplanationStep step : decision.getExplanation()) {
            explanation.add(new DecisionRecord.ExplanationEntry(step.rule(), step.gate(), step.verdict(), step.message(), step.figures()));
        }
        return new DecisionRecord(decision.getId(), decision.getIssueId(), decision.getProposalId(), decision.getTenant(),
                decision.getResource(), decision.getIssueType(), decision.getSeverity().label(), decision.getActionId(),
                decision.getParameters(), decision.getOutcome().label(), decision.getReason(), explanation,
                Instant.ofEpochMilli(decision.getDecidedAt()), decision.getGroup());
    }
}
