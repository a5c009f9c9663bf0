package io.homeostat.service.model;

/** Learned outcomes of one action on one kind of problem. */
public record StatisticsRecord(String issueType, String actionId, String resourceKind, long attempts, long successes,
                               long totalRecoveryMillis) {
}
