package io.homeostat.service.engine.facts;

import org.kie.api.definition.type.ClassReactive;

/**
 * An action reported success (or a crash interrupted it); the issue must now clear (a fresh
 * healthy signal) within {@code deadlineMillis}, or the attempt counts as failed. The deadline
 * timer only marks it {@link #isExpired() expired}; other rules judge it, so that changes to the
 * issue while it is verified cannot restart the timer.
 *
 * @param snapshotTaken whether the executor holds a snapshot, so that a failed verification can roll back
 */
@ClassReactive
public final class Verification {
    private final String decisionId;
    private final String proposalId;
    private final String issueId;
    private final String actionId;
    private final long startedAt;
    private final long deadlineMillis;
    private final boolean snapshotTaken;
    private boolean expired;

    public Verification(String decisionId, String proposalId, String issueId, String actionId, long startedAt, long deadlineMillis,
                        boolean snapshotTaken) {
        this.decisionId = decisionId;
        this.proposalId = proposalId;
        this.issueId = issueId;
        this.actionId = actionId;
        this.startedAt = startedAt;
        this.deadlineMillis = deadlineMillis;
        this.snapshotTaken = snapshotTaken;
    }

    public void expire() {
        expired = true;
    }

    public boolean isExpired() {
        return expired;
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

    public String getActionId() {
        return actionId;
    }

    public long getStartedAt() {
        return startedAt;
    }

    public long getDeadlineMillis() {
        return deadlineMillis;
    }

    public boolean isSnapshotTaken() {
        return snapshotTaken;
    }
}
