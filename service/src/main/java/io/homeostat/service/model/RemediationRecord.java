package io.homeostat.service.model;

import java.time.Instant;
import java.util.Map;

/**
 * One execution of an action: pending → running → succeeded | failed (| interrupted by a crash).
 * A reversible action's snapshot is stored with it (not in this record) and its rollback, when
 * verification fails, in {@code rollbackState}. The id is also the
 * idempotency key handed to the plugin; one decision yields at most one remediation. {@code replicaId}
 * names the replica whose engine decided it (docs/SCALE-OUT.md): only that replica's start-up marks it
 * interrupted or reconciles it; another replica does so only once the resource's lease has expired.
 */
public record RemediationRecord(
        String id,
        String decisionId,
        String issueId,
        String tenant,
        String resource,
        String actionId,
        String pluginId,
        String state,
        String message,
        Map<String, String> details,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Long durationMillis,
        int attempts,
        String rollbackState,
        String rollbackMessage,
        String replicaId) {

    public static final String PENDING = "pending";
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    /** The action said it does not apply to the resource (not allow-listed, nothing configured) and did nothing. */
    public static final String NOT_APPLICABLE = "not_applicable";
    /** A crash stopped it; start-up reconciliation handed it to verification or back to the gates. */
    public static final String INTERRUPTED = "interrupted";
    /** Called off before it started: what it was for went away (its alert resolved while it waited). */
    public static final String CANCELLED = "cancelled";

    /** A pending remediation for a RUN decision. */
    public static RemediationRecord pending(String id, DecisionRecord decision, Instant now, String replicaId) {
        return new RemediationRecord(id, decision.id(), decision.issueId(), decision.tenant(), decision.resource(), decision.actionId(),
                null, PENDING, "waiting for the executor", Map.of(), now, null, null, null, 0, null, null, replicaId);
    }
}
