package io.homeostat.service.engine.facts;

import org.kie.api.definition.type.ClassReactive;

/**
 * What has been learned about one action on one kind of problem: attempts, verified successes and
 * the time they took to recover. P(success) is the mean of a Beta posterior whose prior is the
 * plugin's declared success rate, worth {@code priorWeight} attempts. Persisted; restored at start-up.
 */
@ClassReactive
public final class ActionStats {
    private final String issueType;
    private final String actionId;
    private final String resourceKind;
    private long attempts;
    private long successes;
    private long totalRecoveryMillis;

    public ActionStats(String issueType, String actionId, String resourceKind) {
        this(issueType, actionId, resourceKind, 0, 0, 0);
    }

    public ActionStats(String issueType, String actionId, String resourceKind, long attempts, long successes, long totalRecoveryMillis) {
        this.issueType = issueType;
        this.actionId = actionId;
        this.resourceKind = resourceKind;
        this.attempts = attempts;
        this.successes = successes;
        this.totalRecoveryMillis = totalRecoveryMillis;
    }

    public void record(boolean succeeded, long recoveryMillis) {
        attempts++;
        if (succeeded) {
            successes++;
            totalRecoveryMillis += Math.max(0, recoveryMillis);
        }
    }

    /** Posterior mean of P(success): (prior·w + successes) / (w + attempts). */
    public double successProbability(double prior, double priorWeight) {
        return posterior(prior, priorWeight, successes, attempts);
    }

    public static double posterior(double prior, double priorWeight, long successes, long attempts) {
        return (prior * priorWeight + successes) / (priorWeight + attempts);
    }

    public String getIssueType() {
        return issueType;
    }

    public String getActionId() {
        return actionId;
    }

    public String getResourceKind() {
        return resourceKind;
    }

    public long getAttempts() {
        return attempts;
    }

    public long getSuccesses() {
        return successes;
    }

    public long getTotalRecoveryMillis() {
        return totalRecoveryMillis;
    }

    @Override
    public String toString() {
        return "ActionStats[" + actionId + " on " + issueType + "/" + resourceKind + " " + successes + "/" + attempts + "]";
    }
}
