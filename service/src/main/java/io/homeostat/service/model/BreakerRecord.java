package io.homeostat.service.model;

import java.time.Instant;

/** The circuit breaker of one action on one resource. */
public record BreakerRecord(String tenant, String resource, String actionId, String state, int consecutiveFailures,
                            Instant openedAt, String trialDecisionId, Instant updatedAt) {
}
