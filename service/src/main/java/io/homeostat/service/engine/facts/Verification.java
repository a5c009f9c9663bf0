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
public final class Verification implements Rescheduled {
    private final String decisionId;
    private final String proposalId;
    private final String issueId;
    private final String actionId;
    private final long startedAt;
    private final long deadlineMillis;
    private final boolean snapshotTaken;
    private boolean expired;
    private long timerMillis;

    public Verification(String decisionId, String proposalId, String issueId, String actionId, long startedAt, long deadlineMillis,
                        boolean snapshotTaken) {
        this.decisionId = decisionId;
        this.proposalId = proposalId;
        this.issueId = issueId;
        this.actionId = actionId;
        this.startedAt = startedAt;
        this.deadlineMillis = deadlineMillis;
        this.snapshotTaken = snapshotTaken;
        this.timerMillis = deadlineMillis;
    }

    @Override
    public Verification rebased(long now) {
        timerMillis = Math.max(1, startedAt + deadlineMillis - now);
        return this;
    }

    /** The deadline timer's delay: the whole deadline, or what is left of it after a rule reload. */
    public long getTimerMillis() {
        return timerMillis;
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
