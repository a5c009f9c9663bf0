package io.homeostat.service.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.homeostat.service.engine.EngineOutputs;
import io.homeostat.service.engine.facts.RollbackRequest;
import io.homeostat.service.model.Actor;
import io.homeostat.service.model.AlertRecord;
import io.homeostat.service.model.ApprovalRecord;
import io.homeostat.service.model.AuditEvent;
import io.homeostat.service.model.AutonomyChangeRecord;
import io.homeostat.service.model.AutonomyRecord;
import io.homeostat.service.model.BreakerRecord;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.EscalationRecord;
import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.model.ProposalRecord;
import io.homeostat.service.model.RemediationRecord;
import io.homeostat.service.model.StatisticsRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The JDBI data layer, the same on PostgreSQL and H2. Its one write path for engine output keeps
 * the promise that a decision, the pending remediation a RUN decision implies and the gate state
 * the batch changed are committed together before any action starts.
 */
public final class Store {
    private final Jdbi jdbi;
    private final IssueStore issues;
    private final DecisionStore decisions;
    private final RemediationStore remediations;
    private final LeaseStore leases;
    private final ProposalStore proposals;
    private final ApprovalStore approvals;
    private final GateStateStore gateState;
    private final EscalationStore escalations;
    private final RuleVersionStore ruleVersions;
    private final KeyStore keys;
    private final AuditStore audit;
    private final AlertStore alerts;
    private final BaselineStore baselines;
    private final HealthHistoryStore healthHistory;
    private final PredictionStore predictions;
    private final AutonomyStore autonomy;
    private final RetentionStore retention;

    public Store(Jdbi jdbi, ObjectMapper mapper) {
        this.jdbi = jdbi;
        JsonColumns json = new JsonColumns(mapper);
        this.audit = new AuditStore(jdbi, mapper);
        this.issues = new IssueStore(jdbi);
        this.decisions = new DecisionStore(jdbi, json);
        this.leases = new LeaseStore(jdbi);
        this.remediations = new RemediationStore(jdbi, json, audit, leases);
        this.proposals = new ProposalStore(jdbi, json);
        this.approvals = new ApprovalStore(jdbi, audit);
        this.gateState = new GateStateStore(jdbi, audit);
        this.escalations = new EscalationStore(jdbi);
        this.ruleVersions = new RuleVersionStore(jdbi, json, audit);
        this.keys = new KeyStore(jdbi, audit);
        this.alerts = new AlertStore(jdbi, json);
        this.baselines = new BaselineStore(jdbi);
        this.healthHistory = new HealthHistoryStore(jdbi);
        this.predictions = new PredictionStore(jdbi);
        this.autonomy = new AutonomyStore(jdbi, json);
        this.retention = new RetentionStore(jdbi);
    }

    /**
     * Writes one engine batch and the pending remediations of its RUN decisions in one
     * transaction, with their audit rows (no decision without its audit row); returns the
     * escalations that are new (an issue escalates once).
     */
    public List<EscalationRecord> recordOutputs(EngineOutputs outputs, List<RemediationRecord> pending) {
        return jdbi.inTransaction(handle -> record(handle, outputs, pending));
    }

    /**
     * The same, as outbox entry {@code seq} of {@code replica}'s outbox: the entry's number is stored in the
     * same transaction, and an entry numbered no higher than one already applied is not applied again
     * (empty), so that an entry a crash left between the commit and the outbox's own bookkeeping is applied
     * once. Each replica numbers its own outbox: one replica's numbers say nothing of another's.
     */
    public Optional<List<EscalationRecord>> recordOutputs(String replica, long seq, EngineOutputs outputs, List<RemediationRecord> pending) {
        outboxApplied(replica); // its row exists from here on
        return jdbi.inTransaction(handle -> {
            int advanced = handle.createUpdate("UPDATE outbox_applied_by SET seq = :seq WHERE replica = :replica AND seq < :seq")
                    .bind("seq", seq).bind("replica", replica).execute();
            return advanced == 0 ? Optional.<List<EscalationRecord>>empty() : Optional.of(record(handle, outputs, pending));
        });
    }

    /**
     * The highest entry of {@code replica}'s outbox applied (0 when none). A replica asking for the first time
     * claims the number kept before replicas were named, if no replica has: after an upgrade that is the
     * process whose outbox journal it numbers.
     */
    public long outboxApplied(String replica) {
        return jdbi.inTransaction(handle -> {
            Optional<Long> known = handle.createQuery("SELECT seq FROM outbox_applied_by WHERE replica = :replica").bind("replica", replica)
                    .mapTo(Long.class).findOne();
            if (known.isPresent()) {
                return known.get();
            }
            long legacy = handle.createQuery("SELECT seq FROM outbox_applied WHERE id = 1 FOR UPDATE").mapTo(Long.class).findOne().orElse(-1L);
            long start = Math.max(0, legacy);
            handle.createUpdate("UPDATE outbox_applied SET seq = -1 WHERE id = 1").execute();
            handle.createUpdate("INSERT INTO outbox_applied_by (replica, seq) VALUES (:replica, :seq)").bind("replica", replica)
                    .bind("seq", start).execute();
            return start;
        });
    }

    private List<EscalationRecord> record(Handle handle, EngineOutputs outputs, List<RemediationRecord> pending) {
        for (IssueRecord issue : outputs.issues()) {
            issues.upsert(handle, issue);
        }
        for (DecisionRecord decision : outputs.decisions()) {
            decisions.insert(handle, decision);
        }
        for (RemediationRecord remediation : pending) {
            remediations.insertPending(handle, remediation);
        }
        for (ProposalRecord proposal : outputs.proposals()) {
            proposals.upsert(handle, proposal);
        }
        for (BreakerRecord breaker : outputs.breakers()) {
            gateState.upsert(handle, breaker);
        }
        for (ApprovalRecord approval : outputs.approvals()) {
            approvals.upsert(handle, approval);
        }
        for (StatisticsRecord stats : outputs.statistics()) {
            gateState.upsert(handle, stats);
        }
        for (AlertRecord alert : outputs.alerts()) {
            alerts.upsert(handle, alert);
        }
        for (io.homeostat.service.model.PredictionRecord prediction : outputs.predictions()) {
            predictions.insert(handle, prediction);
        }
        for (AutonomyRecord pair : outputs.autonomy()) {
            autonomy.upsert(handle, pair);
        }
        for (AutonomyChangeRecord change : outputs.autonomyChanges()) {
            autonomy.insert(handle, change);
        }
        List<EscalationRecord> fresh = new ArrayList<>();
        for (EscalationRecord escalation : outputs.escalations()) {
            if (escalations.insertIfNew(handle, escalation)) {
                fresh.add(escalation);
            }
        }
        // Last in the transaction: the audit head is the one lock every writer shares.
        Instant now = Instant.now();
        List<AuditEvent> audited = new ArrayList<>();
        for (DecisionRecord decision : outputs.decisions()) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("issueId", decision.issueId());
            detail.put("issueType", decision.issueType());
            detail.put("resource", decision.resource());
            detail.put("action", decision.actionId());
            detail.put("outcome", decision.outcome());
            detail.put("parameters", decision.parameters());
            audited.add(AuditEvent.of(decision.tenant(), Actor.ENGINE, "decision", decision.id(), decision.reason(), detail));
        }
        for (RemediationRecord remediation : pending) {
            audited.add(AuditEvent.of(remediation.tenant(), Actor.ENGINE, "remediation.pending", remediation.id(), null,
                    Map.of("decisionId", remediation.decisionId(), "resource", remediation.resource(), "action", remediation.actionId())));
        }
        for (RollbackRequest rollback : outputs.rollbacks()) {
            audited.add(AuditEvent.of(null, Actor.ENGINE, "rollback.requested", rollback.decisionId(), rollback.reason(),
                    Map.of()));
        }
        for (EscalationRecord escalation : fresh) {
            audited.add(AuditEvent.of(escalation.tenant(), Actor.ENGINE, "escalation", escalation.id(), escalation.reason(),
                    Map.of("issueId", escalation.issueId(), "issueType", escalation.issueType(), "resource", escalation.resource())));
        }
        for (AutonomyChangeRecord change : outputs.autonomyChanges()) {
            // A rule's promotion or demotion is the engine's act; an operator's pin was audited with its key when it was asked for.
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("issueType", change.issueType());
            detail.put("action", change.actionId());
            detail.put("from", change.fromMode());
            detail.put("to", change.toMode());
            detail.put("by", change.changedBy());
            detail.put("figures", change.figures());
            audited.add(AuditEvent.of(change.tenant(), Actor.ENGINE, "autonomy." + change.kind(), change.id(), change.reason(), detail));
        }
        audit.appendAll(handle, audited, now);
        return fresh;
    }

    public IssueStore issues() {
        return issues;
    }

    public DecisionStore decisions() {
        return decisions;
    }

    public RemediationStore remediations() {
        return remediations;
    }

    public LeaseStore leases() {
        return leases;
    }

    public ProposalStore proposals() {
        return proposals;
    }

    public ApprovalStore approvals() {
        return approvals;
    }

    public GateStateStore gateState() {
        return gateState;
    }

    public EscalationStore escalations() {
        return escalations;
    }

    public RuleVersionStore ruleVersions() {
        return ruleVersions;
    }

    public RetentionStore retention() {
        return retention;
    }

    public AuditStore audit() {
        return audit;
    }

    public AutonomyStore autonomy() {
        return autonomy;
    }

    public PredictionStore predictions() {
        return predictions;
    }

    public HealthHistoryStore healthHistory() {
        return healthHistory;
    }

    public BaselineStore baselines() {
        return baselines;
    }

    public AlertStore alerts() {
        return alerts;
    }

    public KeyStore keys() {
        return keys;
    }
}
