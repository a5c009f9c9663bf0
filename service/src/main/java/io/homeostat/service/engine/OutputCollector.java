package io.homeostat.service.engine;

import io.homeostat.service.engine.facts.Decision;
import io.homeostat.service.engine.facts.DecisionOutcome;
import io.homeostat.service.engine.facts.ExplanationStep;
import io.homeostat.service.engine.facts.Issue;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.IssueRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kie.api.event.rule.ObjectDeletedEvent;
import org.kie.api.event.rule.ObjectInsertedEvent;
import org.kie.api.event.rule.ObjectUpdatedEvent;
import org.kie.api.event.rule.RuleRuntimeEventListener;

/**
 * The session's one output path. Watches inserts and updates of issues and decisions during a
 * batch and, after the batch, turns them into immutable records: rules only write facts, and this
 * is how those facts leave the session. Runs on the engine thread only.
 */
final class OutputCollector implements RuleRuntimeEventListener {
    private final Map<String, Issue> changedIssues = new LinkedHashMap<>();
    private final Map<String, Decision> changedDecisions = new LinkedHashMap<>();
    private int issuesOpened;

    @Override
    public void objectInserted(ObjectInsertedEvent event) {
        if (event.getObject() instanceof Issue) {
            issuesOpened++;
        }
        track(event.getObject());
    }

    @Override
    public void objectUpdated(ObjectUpdatedEvent event) {
        track(event.getObject());
    }

    @Override
    public void objectDeleted(ObjectDeletedEvent event) {
        // A deleted issue was persisted when it changed; nothing more to say about it.
    }

    private void track(Object fact) {
        if (fact instanceof Issue issue) {
            changedIssues.put(issue.getId(), issue);
        } else if (fact instanceof Decision decision) {
            changedDecisions.put(decision.getId(), decision);
        }
    }

    /** The records of everything that changed since the last call; {@code now} is session time. */
    EngineOutputs drain(long now, long oldestSignalNanos) {
        if (changedIssues.isEmpty() && changedDecisions.isEmpty()) {
            return EngineOutputs.EMPTY;
        }
        Instant updatedAt = Instant.ofEpochMilli(now);
        List<IssueRecord> issues = new ArrayList<>(changedIssues.size());
        for (Issue issue : changedIssues.values()) {
            issues.add(record(issue, updatedAt));
        }
        List<DecisionRecord> decisions = new ArrayList<>();
        for (Decision decision : changedDecisions.values()) {
            // A decision leaves once, when it reaches an outcome; decidedAt marks that it has left.
            if (decision.getOutcome() != DecisionOutcome.PENDING && decision.getDecidedAt() == 0) {
                decision.setDecidedAt(now);
                decisions.add(record(decision));
            }
        }
        int opened = issuesOpened;
        changedIssues.clear();
        changedDecisions.clear();
        issuesOpened = 0;
        return new EngineOutputs(issues, opened, decisions, oldestSignalNanos);
    }

    private static IssueRecord record(Issue issue, Instant updatedAt) {
        return new IssueRecord(issue.getId(), issue.getTenant(), issue.getFingerprint(), issue.getResource(), issue.getType(),
                issue.getSeverity().label(), issue.getCategory(), issue.getState().label(), issue.getSummary(), issue.getOpenedBy(),
                issue.getEvidenceCount(), Instant.ofEpochMilli(issue.getOpenedAt()), Instant.ofEpochMilli(issue.getLastEvidenceAt()),
                issue.getResolvedAt() == 0 ? null : Instant.ofEpochMilli(issue.getResolvedAt()), updatedAt);
    }

    private static DecisionRecord record(Decision decision) {
        List<DecisionRecord.ExplanationEntry> explanation = new ArrayList<>();
        for (ExplanationStep step : decision.getExplanation()) {
            explanation.add(new DecisionRecord.ExplanationEntry(step.rule(), step.gate(), step.verdict(), step.message(), step.figures()));
        }
        return new DecisionRecord(decision.getId(), decision.getIssueId(), decision.getTenant(), decision.getResource(),
                decision.getIssueType(), decision.getSeverity().label(), decision.getActionId(), decision.getParameters(),
                decision.getOutcome().label(), decision.getReason(), explanation, Instant.ofEpochMilli(decision.getDecidedAt()));
    }
}
