package io.homeostat.service.engine.facts;

import org.kie.api.definition.type.Expires;
import org.kie.api.definition.type.Role;
import org.kie.api.definition.type.Timestamp;

/**
 * How a remediation ended, asserted back into the session by the executor (or, for an attempt a
 * crash interrupted, by the start-up reconciliation).
 *
 * @param started false when the attempt never ran (it was still pending at a crash): it is decided again
 * @param interrupted true when a crash interrupted it mid-run: whether it helped is left to verification
 * @param snapshotTaken whether a snapshot exists, so that a failed verification can roll back
 * @param applicable false when the action did not apply to the resource and did nothing: the next
 *     strategy is tried, and neither learning nor the breaker counts it as the action failing
 * @param cancelled true when it was called off before it started (see {@link #cancelled})
 * @param heldBy the cluster gate that did not let it start now (see {@link #heldElsewhere}), null otherwise
 * @param retryAfterMillis when a held attempt's proposal is to be decided again
 */
@Role(Role.Type.EVENT)
@Timestamp("time")
@Expires("1h")
public record RemediationOutcome(String decisionId, String issueId, String tenant, String resource, String actionId,
                                 boolean succeeded, String message, long time, boolean started, boolean interrupted,
                                 boolean snapshotTaken, boolean applicable, boolean cancelled, String heldBy,
                                 long retryAfterMillis) {
    /** An attempt that ran to its end. */
    public static RemediationOutcome finished(String decisionId, String issueId, String tenant, String resource, String actionId,
                                              boolean succeeded, String message, long time, boolean snapshotTaken) {
        return new RemediationOutcome(decisionId, issueId, tenant, resource, actionId, succeeded, message, time, true, false,
                snapshotTaken, true, false, null, 0);
    }

    /** An attempt that never ran (the executor could not record or start it): the gates decide it again. */
    public static RemediationOutcome notStarted(String decisionId, String issueId, String tenant, String resource, String actionId,
                                                String message, long time) {
        return new RemediationOutcome(decisionId, issueId, tenant, resource, actionId, false, message, time, false, false, false, true, false, null, 0);
    }

    /**
     * A crash cut the attempt short while it ran and its plugin cannot tell whether it acted
     * (or no loaded plugin provides it any more): verification decides whether it helped.
     */
    public static RemediationOutcome interrupted(String decisionId, String issueId, String tenant, String resource, String actionId,
                                                 String message, long time, boolean snapshotTaken) {
        return new RemediationOutcome(decisionId, issueId, tenant, resource, actionId, false, message, time, true, true, snapshotTaken,
                true, false, null, 0);
    }

    /** An attempt whose action said it does not apply to the resource: nothing was done. */
    public static RemediationOutcome notApplicable(String decisionId, String issueId, String tenant, String resource, String actionId,
                                                   String message, long time) {
        return new RemediationOutcome(decisionId, issueId, tenant, resource, actionId, false, message, time, true, false, false, false, false, null, 0);
    }

    /**
     * An attempt called off before it started (what it was for went away: its alert resolved while it
     * waited in the executor). Neither decided again nor counted by learning or the breaker.
     */
    public static RemediationOutcome cancelled(String decisionId, String issueId, String tenant, String resource, String actionId,
                                               String message, long time) {
        return new RemediationOutcome(decisionId, issueId, tenant, resource, actionId, false, message, time, false, false, false, true, true, null, 0);
    }

    /**
     * Not started because the cluster holds the resource or a shared limit (another replica is remediating
     * it, or the limit counted over every replica is reached): the proposal waits {@code retryAfterMillis}
     * and is decided again; neither learning nor the breaker counts it.
     */
    public static RemediationOutcome heldElsewhere(String decisionId, String issueId, String tenant, String resource, String actionId,
                                                   String gate, String message, long time, long retryAfterMillis) {
        return new RemediationOutcome(decisionId, issueId, tenant, resource, actionId, false, message, time, false, false, false, true,
                false, gate, retryAfterMillis);
    }

    /** True when the cluster held it back (see {@link #heldElsewhere}). */
    public boolean isHeld() {
        return heldBy != null;
    }

    public String getHeldBy() {
        return heldBy;
    }

    public long getRetryAfterMillis() {
        return retryAfterMillis;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    public boolean isApplicable() {
        return applicable;
    }

    public String getDecisionId() {
        return decisionId;
    }

    public String getIssueId() {
        return issueId;
    }

    public String getResource() {
        return resource;
    }

    public String getActionId() {
        return actionId;
    }

    public boolean isSucceeded() {
        return succeeded;
    }

    public String getMessage() {
        return message;
    }

    public long getTime() {
        return time;
    }

    public boolean isStarted() {
        return started;
    }

    public boolean isInterrupted() {
        return interrupted;
    }

    public boolean isSnapshotTaken() {
        return snapshotTaken;
    }
}
