package io.homeostat.service.engine.facts;

import java.util.UUID;
import org.kie.api.definition.type.ClassReactive;

/**
 * A request for a human to approve one proposal. Inserted when a decision concludes
 * AWAITING_APPROVAL; an {@link ApprovalVerdict} from the API or the expiry timer ends it.
 * Persisted and restored at start-up, with the time it had left.
 */
@ClassReactive
public final class Approval implements Rescheduled {
    private final String id;
    private final String decisionId;
    private final String proposalId;
    private final String issueId;
    private final String tenant;
    private final String resource;
    private final String actionId;
    private final String risk;
    private final long requestedAt;
    private final long expiresAt;
    private ApprovalState state = ApprovalState.PENDING;
    private String decidedBy;
    private String reason;
    private long decidedAt;
    private long timerMillis;

    public Approval(Decision decision, String risk, long now, long timeoutMillis) {
        this(UUID.randomUUID().toString(), decision.getId(), decision.getProposalId(), decision.getIssueId(), decision.getTenant(),
                decision.getResource(), decision.getActionId(), risk, now, now + timeoutMillis);
        this.timerMillis = timeoutMillis;
    }

    private Approval(String id, String decisionId, String proposalId, String issueId, String tenant, String resource, String actionId,
                     String risk, long requestedAt, long expiresAt) {
        this.id = id;
        this.decisionId = decisionId;
        this.proposalId = proposalId;
        this.issueId = issueId;
        this.tenant = tenant;
        this.resource = resource;
        this.actionId = actionId;
        this.risk = risk;
        this.requestedAt = requestedAt;
        this.expiresAt = expiresAt;
    }

    public static Approval restore(String id, String decisionId, String proposalId, String issueId, String tenant, String resource,
                                   String actionId, String risk, long requestedAt, long expiresAt, ApprovalState state,
                                   String decidedBy, String reason, long now) {
        Approval approval = new Approval(id, decisionId, proposalId, issueId, tenant, resource, actionId, risk, requestedAt, expiresAt);
        approval.timerMillis = Math.max(1, expiresAt - now);
        approval.state = state;
        approval.decidedBy = decidedBy;
        approval.reason = reason;
        return approval;
    }

    public void decide(ApprovalVerdict verdict, long now) {
        state = verdict.approved() ? ApprovalState.APPROVED : ApprovalState.REJECTED;
        decidedBy = verdict.by();
        reason = verdict.reason();
        decidedAt = now;
    }

    /** No answer is wanted any more; {@code reason} says why (the alert resolved). */
    public void cancel(long now, String why) {
        state = ApprovalState.CANCELLED;
        decidedBy = "homeostat";
        reason = why;
        decidedAt = now;
    }

    public void expire(long now) {
        state = ApprovalState.EXPIRED;
        decidedAt = now;
    }

    @Override
    public Approval rebased(long now) {
        timerMillis = Math.max(1, expiresAt - now);
        return this;
    }

    /** The expiry timer's delay: the whole timeout, or for a restored approval the time it had left. */
    public long getTimerMillis() {
        return timerMillis;
    }

    public boolean isPending() {
        return state == ApprovalState.PENDING;
    }

    public String getId() {
        return id;
    }

    public String getDecisionId() {
        return decisionId;
    }

    public String getProposalId() {
        return proposalId;
    }

    public String getIssueId() {
        return issueId;
    }

    public String getTenant() {
        return tenant;
    }

    public String getResource() {
        return resource;
    }

    public String getActionId() {
        return actionId;
    }

    public String getRisk() {
        return risk;
    }

    public long getRequestedAt() {
        return requestedAt;
    }

    public long getExpiresAt() {
        return expiresAt;
    }

    public ApprovalState getState() {
        return state;
    }

    public String getDecidedBy() {
        return decidedBy;
    }

    public String getReason() {
        return reason;
    }

    public long getDecidedAt() {
        return decidedAt;
    }

    @Override
    public String toString() {
        return "Approval[" + actionId + " " + resource + " " + state + "]";
    }
}
