package io.homeostat.service.engine.facts;

import org.kie.api.definition.type.ClassReactive;

/**
 * The circuit breaker of one action on one resource. The breaker rules (lifecycle.drl) count
 * finished attempts into it; the breaker gate reads it. Persisted and restored at start-up.
 */
@ClassReactive
public final class Breaker implements Rescheduled {
    private final String tenant;
    private final String resource;
    private final String actionId;
    private BreakerState state = BreakerState.CLOSED;
    private int consecutiveFailures;
    private long openedAt;
    private long halfOpenDelayMillis;
    private String trialDecisionId;
    private long halfOpenAt;

    public Breaker(String tenant, String resource, String actionId) {
        this.tenant = tenant;
        this.resource = resource;
        this.actionId = actionId;
    }

    /** A breaker read back from the store; an open one half-opens {@code cooldown} after it opened. */
    public static Breaker restore(String tenant, String resource, String actionId, BreakerState state, int failures,
                                  long openedAt, String trialDecisionId, long now, long cooldownMillis) {
        Breaker breaker = new Breaker(tenant, resource, actionId);
        breaker.state = state;
        breaker.consecutiveFailures = failures;
        breaker.openedAt = openedAt;
        breaker.trialDecisionId = trialDecisionId;
        breaker.halfOpenAt = openedAt + cooldownMillis;
        breaker.halfOpenDelayMillis = Math.max(1, breaker.halfOpenAt - now);
        return breaker;
    }

    /** Counts a failed attempt; opens at {@code threshold} consecutive failures, or at once when half-open. */
    public void recordFailure(long now, int threshold, long cooldownMillis) {
        consecutiveFailures++;
        trialDecisionId = null;
        if (state == BreakerState.HALF_OPEN || consecutiveFailures >= threshold) {
            state = BreakerState.OPEN;
            openedAt = now;
            halfOpenAt = now + cooldownMillis;
            halfOpenDelayMillis = cooldownMillis;
        }
    }

    /** A verified success closes it and resets the count. */
    public void recordSuccess() {
        consecutiveFailures = 0;
        trialDecisionId = null;
        state = BreakerState.CLOSED;
    }

    @Override
    public Breaker rebased(long now) {
        if (state == BreakerState.OPEN) {
            halfOpenDelayMillis = Math.max(1, halfOpenAt - now);
        }
        return this;
    }

    public void halfOpen() {
        state = BreakerState.HALF_OPEN;
        trialDecisionId = null;
    }

    public void startTrial(String decisionId) {
        trialDecisionId = decisionId;
    }

    public boolean isTrialRunning() {
        return trialDecisionId != null;
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

    public BreakerState getState() {
        return state;
    }

    public int getConsecutiveFailures() {
        return consecutiveFailures;
    }

    public long getOpenedAt() {
        return openedAt;
    }

    /** How long after opening (or after restore) the half-open timer waits. */
    public long getHalfOpenDelayMillis() {
        return halfOpenDelayMillis;
    }

    public String getTrialDecisionId() {
        return trialDecisionId;
    }

    @Override
    public String toString() {
        return "Breaker[" + actionId + " " + resource + " " + state + " failures " + consecutiveFailures + "]";
    }
}
