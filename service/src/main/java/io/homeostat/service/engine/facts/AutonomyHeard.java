package io.homeostat.service.engine.facts;

/**
 * A pair's autonomy as another replica's engine (or an operator through another replica's API) left
 * it in the store: its mode, whether it is pinned, its record and when it last changed. Taken by a
 * rule (rules/autonomy.drl) when it is newer than this engine's, so that a pin set through any replica
 * holds on every replica, and a demotion one engine judged is not undone by another; then deleted.
 */
public record AutonomyHeard(String tenant, String issueType, String actionId, AutonomyMode mode, boolean pinned, String outcomes,
                            int failureRun, int successesSinceChange, int observed, String changedBy, long changedAt) {
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

    public String getChangedBy() {
        return changedBy;
    }

    public long getChangedAt() {
        return changedAt;
    }

    /** The pair as the store has it, for an engine that has not met it yet. */
    public Autonomy pair(int window) {
        return new Autonomy(tenant, issueType, actionId, mode, pinned, outcomes, window, failureRun, successesSinceChange, observed,
                changedBy, changedAt);
    }
}
