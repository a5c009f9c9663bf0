package io.homeostat.service.engine.facts;

import org.kie.api.definition.type.ClassReactive;

/**
 * The autonomy of one (tenant, issue type, action) pair: its mode, whether an operator pinned it,
 * and the record rules judge it by: the outcomes of its last {@code window} finished attempts
 * (verified success or not, oldest first), the failures in a row and the successes since its mode last changed, and
 * how many decisions it observed in observe mode. Created at the pair's first decision in the
 * tenant's starting mode. Persisted; restored at start-up.
 */
@ClassReactive
public final class Autonomy {
    private final String tenant;
    private final String issueType;
    private final String actionId;
    private AutonomyMode mode;
    private boolean pinned;
    /** 'S' a verified success, 'F' anything else, oldest first; at most {@link #window} of them. */
    private String outcomes;
    private final int window;
    private int failureRun;
    private int successesSinceChange;
    private int observed;
    private String changedBy;
    private long changedAt;

    /** A pair seen for the first time, starting in {@code mode}. */
    public Autonomy(String tenant, String issueType, String actionId, AutonomyMode mode, int window, long now) {
        this(tenant, issueType, actionId, mode, false, "", window, 0, 0, 0, "start (policy)", now);
    }

    /** A pair read back from the store. */
    public Autonomy(String tenant, String issueType, String actionId, AutonomyMode mode, boolean pinned, String outcomes, int window,
                    int failureRun, int successesSinceChange, int observed, String changedBy, long changedAt) {
        this.tenant = tenant;
        this.issueType = issueType;
        this.actionId = actionId;
        this.mode = mode;
        this.pinned = pinned;
        this.window = Math.max(1, window);
        this.outcomes = outcomes.length() > this.window ? outcomes.substring(outcomes.length() - this.window) : outcomes;
        this.failureRun = failureRun;
        this.successesSinceChange = successesSinceChange;
        this.observed = observed;
        this.changedBy = changedBy;
        this.changedAt = changedAt;
    }

    /** Counts a finished attempt: a verified success, or a failure (failed, or did not clear the issue). */
    public void record(boolean succeeded) {
        outcomes = outcomes + (succeeded ? 'S' : 'F');
        if (outcomes.length() > window) {
            outcomes = outcomes.substring(outcomes.length() - window);
        }
        failureRun = succeeded ? 0 : failureRun + 1;
        successesSinceChange += succeeded ? 1 : 0;
    }

    /** Counts a decision that would have run had the pair been trusted (observe mode). */
    public void observe() {
        observed++;
    }

    /** Moves to {@code to}; the run of failures and the observations count again from here. */
    public void change(AutonomyMode to, String by, long time) {
        mode = to;
        failureRun = 0;
        successesSinceChange = 0;
        observed = 0;
        changedBy = by;
        changedAt = time;
    }

    /** An operator fixes the mode: rules neither promote nor demote it until it is unpinned. */
    public void pin(AutonomyMode to, String by, long time) {
        change(to, by, time);
        pinned = true;
    }

    /** Takes the mode, pin and counts another replica changed the pair to (its own record of outcomes stays). */
    public void heard(AutonomyHeard change) {
        mode = change.mode();
        pinned = change.pinned();
        failureRun = change.failureRun();
        successesSinceChange = change.successesSinceChange();
        observed = change.observed();
        changedBy = change.changedBy();
        changedAt = change.changedAt();
    }

    /** The rules judge it again, from the mode it is in. */
    public void unpin(String by, long time) {
        pinned = false;
        changedBy = by;
        changedAt = time;
    }

    public String getTenant() {
        return tenant;
    }

    public String getIssueType() {
        return issueType;
    }

    public String getActionId() {
        return actionId;
    }

    public AutonomyMode getMode() {
        return mode;
    }

    public boolean isPinned() {
        return pinned;
    }

    public String getOutcomes() {
        return outcomes;
    }

    public int getWindow() {
        return window;
    }

    /** Finished attempts in the window. */
    public int getAttempts() {
        return outcomes.length();
    }

    /** Verified successes in the window. */
    public int getSuccesses() {
        int count = 0;
        for (int i = 0; i < outcomes.length(); i++) {
            if (outcomes.charAt(i) == 'S') {
                count++;
            }
        }
        return count;
    }

    /** Verified successes over attempts in the window; 0 with none. */
    public double getSuccessRate() {
        return outcomes.isEmpty() ? 0 : (double) getSuccesses() / outcomes.length();
    }

    /** Failures in a row, counted since the mode last changed. */
    public int getFailureRun() {
        return failureRun;
    }

    /**
     * Verified successes since the mode last changed: a demoted pair earns its promotion again with
     * new successes, not with the record that it had before it failed.
     */
    public int getSuccessesSinceChange() {
        return successesSinceChange;
    }

    /** Decisions observed in observe mode since the mode last changed. */
    public int getObserved() {
        return observed;
    }

    public String getChangedBy() {
        return changedBy;
    }

    public long getChangedAt() {
        return changedAt;
    }
}
