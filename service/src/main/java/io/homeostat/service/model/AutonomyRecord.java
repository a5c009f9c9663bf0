package io.homeostat.service.model;

import java.time.Instant;

/**
 * The stored autonomy of one (tenant, issue type, action) pair: its mode, whether an operator
 * pinned it, and its record (the latest finished attempts as 'S'/'F', oldest first).
 */
public record AutonomyRecord(String tenant, String issueType, String actionId, String mode, boolean pinned, String outcomes,
                             int failureRun, int successesSinceChange, int observed, String changedBy, Instant changedAt) {
    /** Verified successes among the recorded attempts. */
    public int successes() {
        return (int) outcomes.chars().filter(c -> c == 'S').count();
    }
}
