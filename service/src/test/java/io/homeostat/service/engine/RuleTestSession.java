package io.homeostat.service.engine;

import io.homeostat.service.testing.TestPolicy;
import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.RemediationOutcome;
import io.homeostat.service.engine.facts.RollbackOutcome;
import io.homeostat.service.engine.facts.RollbackRequest;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.model.ApprovalRecord;
import io.homeostat.service.model.BreakerRecord;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.EscalationRecord;
import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.model.ProposalRecord;
import io.homeostat.service.model.StatisticsRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drives the shipped rules on a pseudo clock through the production {@link EngineSession} and
 * keeps every output, so that tests read what the service would persist. Stands in for the
 * executor by inserting the outcomes a test chooses.
 */
final class RuleTestSession implements AutoCloseable {
    static final long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    static final AvailableAction RESTART = new AvailableAction("process.restart", "process", "MEDIUM", 1, false, Set.of(), 0.7);
    static final AvailableAction HTTP = new AvailableAction("http.call", "http", "MEDIUM", 1, true, Set.of(), 0.6);
    private static RuleBase shippedRules;

    private final SimulatedSession simulated;
    private final EngineSession session;
    private final Map<String, IssueRecord> issues = new LinkedHashMap<>();
    private final List<DecisionRecord> decisions = new ArrayList<>();
    private final Map<String, ProposalRecord> proposals = new LinkedHashMap<>();
    private final Map<String, BreakerRecord> breakers = new LinkedHashMap<>();
    private final Map<String, ApprovalRecord> approvals = new LinkedHashMap<>();
    private final Map<String, StatisticsRecord> statistics = new LinkedHashMap<>();
    private final List<EscalationRecord> escalations = new ArrayList<>();
    private final List<RollbackRequest> rollbacks = new ArrayList<>();
    private final List<io.homeostat.service.engine.facts.CancelRequest> cancellations = new ArrayList<>();
    private final Map<String, io.homeostat.service.model.AutonomyRecord> autonomy = new LinkedHashMap<>();
    private final List<io.homeostat.service.model.AutonomyChangeRecord> autonomyChanges = new ArrayList<>();

    RuleTestSession(PolicySettings policy) {
        this(shippedRules(), policy);
    }

    RuleTestSession(RuleBase rules, PolicySettings policy) {
        simulated = new SimulatedSession(rules, START, policy, List.of(RESTART, HTTP), this::collect);
        session = simulated.session();
    }

    RuleTestSession() {
        this(TestPolicy.trusted());
    }

    static synchronized RuleBase shippedRules() {
        if (shippedRules == null) {
            try {
                shippedRules = new RuleBaseCompiler().compile(Path.of(System.getProperty("homeostat.rules.dir", "../rules")));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return shippedRules;
    }

    EngineSession engine() {
        return session;
    }

    /** Sends one signal stamped with the current session time and fires. */
    RuleTestSession signal(String resource, String metric, double value) {
        session.insert(Signal.of(resource, metric, value, session.now()));
        return fire();
    }

    /** Sends one signal with a tenant, source and labels. */
    RuleTestSession signal(String tenant, String resource, String metric, double value, String source, Map<String, String> labels) {
        session.insert(new Signal(tenant, resource, metric, value, session.now(), null, source, labels, System.nanoTime()));
        return fire();
    }

    /** Moves the clock a second at a time, the rules firing after each step (the one harness: {@link SimulatedSession}). */
    RuleTestSession advance(Duration duration) {
        simulated.advance(duration);
        return this;
    }

    RuleTestSession insert(Object fact) {
        session.insert(fact);
        return fire();
    }

    /** What the executor would report for the attempt of {@code decision}. */
    RuleTestSession outcome(DecisionRecord decision, boolean succeeded) {
        return insert(RemediationOutcome.finished(decision.id(), decision.issueId(), decision.tenant(), decision.resource(),
                decision.actionId(), succeeded, succeeded ? "done" : "it failed", session.now(), succeeded
                        && decision.actionId().equals(HTTP.id())));
    }

    RuleTestSession rolledBack(String decisionId, boolean succeeded) {
        return insert(new RollbackOutcome(decisionId, succeeded, succeeded ? "restored" : "could not restore"));
    }

    RuleTestSession fire() {
        simulated.fire();
        return this;
    }

    private void collect(EngineOutputs outputs) {
        outputs.issues().forEach(issue -> issues.put(issue.id(), issue));
        decisions.addAll(outputs.decisions());
        outputs.proposals().forEach(proposal -> proposals.put(proposal.id(), proposal));
        outputs.breakers().forEach(breaker -> breakers.put(breaker.tenant() + "|" + breaker.resource() + "|" + breaker.actionId(), breaker));
        outputs.approvals().forEach(approval -> approvals.put(approval.id(), approval));
        outputs.statistics().forEach(stats -> statistics.put(stats.issueType() + "|" + stats.actionId() + "|" + stats.resourceKind(), stats));
        escalations.addAll(outputs.escalations());
        rollbacks.addAll(outputs.rollbacks());
        cancellations.addAll(outputs.cancellations());
        outputs.autonomy().forEach(pair -> autonomy.put(pair.tenant() + "|" + pair.issueType() + "|" + pair.actionId(), pair));
        autonomyChanges.addAll(outputs.autonomyChanges());
    }

    /** The latest state of the pair, as it was last persisted. */
    io.homeostat.service.model.AutonomyRecord autonomy(String issueType, String actionId) {
        io.homeostat.service.model.AutonomyRecord pair = autonomy.get("default|" + issueType + "|" + actionId);
        if (pair == null) {
            throw new AssertionError("no autonomy for " + issueType + " / " + actionId + ": " + autonomy.keySet());
        }
        return pair;
    }

    List<io.homeostat.service.model.AutonomyChangeRecord> autonomyChanges() {
        return List.copyOf(autonomyChanges);
    }

    List<IssueRecord> issues() {
        return List.copyOf(issues.values());
    }

    List<IssueRecord> issues(String type) {
        return issues.values().stream().filter(issue -> issue.type().equals(type)).toList();
    }

    IssueRecord issue() {
        if (issues.size() != 1) {
            throw new AssertionError("expected one issue, found " + issues.values());
        }
        return issues.values().iterator().next();
    }

    List<DecisionRecord> decisions() {
        return List.copyOf(decisions);
    }

    DecisionRecord lastDecision() {
        if (decisions.isEmpty()) {
            throw new AssertionError("no decision yet");
        }
        return decisions.get(decisions.size() - 1);
    }

    List<ProposalRecord> proposals() {
        return List.copyOf(proposals.values());
    }

    List<BreakerRecord> breakers() {
        return List.copyOf(breakers.values());
    }

    List<ApprovalRecord> approvals() {
        return List.copyOf(approvals.values());
    }

    List<StatisticsRecord> statistics() {
        return List.copyOf(statistics.values());
    }

    List<EscalationRecord> escalations() {
        return List.copyOf(escalations);
    }

    List<io.homeostat.service.engine.facts.CancelRequest> cancellations() {
        return List.copyOf(cancellations);
    }

    List<RollbackRequest> rollbacks() {
        return List.copyOf(rollbacks);
    }

    /** Every decision, one per line, for assertion messages. */
    String dump() {
        StringBuilder out = new StringBuilder();
        for (DecisionRecord d : decisions) {
            out.append('\n').append(d.decidedAt()).append(' ').append(d.resource()).append(' ').append(d.actionId()).append(' ')
                    .append(d.outcome()).append(": ").append(d.reason());
        }
        return out.toString();
    }

    @Override
    public void close() {
        session.close();
    }
}
