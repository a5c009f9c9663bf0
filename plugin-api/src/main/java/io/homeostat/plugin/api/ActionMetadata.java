package io.homeostat.plugin.api;

import java.util.Objects;
import java.util.Set;

/**
 * What an action declares about itself. Gate rules read these figures (cost-benefit, approval);
 * they are the plugin author's honest estimate, refined by learned statistics later.
 *
 * @param description one line for operators
 * @param risk how much harm the action can do when it goes wrong
 * @param cost relative cost of running it, in the same units as the avoided impact (0 or more)
 * @param reversible whether the action can take a snapshot and roll back
 * @param issueTypes the issue types it is meant to remediate (empty means any)
 * @param priorSuccessRate the author's prior for P(success), in [0, 1], before any history exists
 */
public record ActionMetadata(
        String description,
        RiskLevel risk,
        double cost,
        boolean reversible,
        Set<String> issueTypes,
        double priorSuccessRate) {

    public ActionMetadata {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(risk, "risk");
        issueTypes = Set.copyOf(Objects.requireNonNull(issueTypes, "issueTypes"));
        if (!(cost >= 0) || Double.isInfinite(cost)) {
            throw new IllegalArgumentException("cost must be a finite number >= 0, was " + cost);
        }
        if (!(priorSuccessRate >= 0 && priorSuccessRate <= 1)) {
            throw new IllegalArgumentException("priorSuccessRate must be in [0, 1], was " + priorSuccessRate);
        }
    }
}
