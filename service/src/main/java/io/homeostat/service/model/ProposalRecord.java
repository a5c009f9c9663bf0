package io.homeostat.service.model;

import java.time.Instant;
import java.util.Map;

/** A strategy of an issue and where it stands; persisted so that a restart resumes each issue where it was. */
public record ProposalRecord(String id, String issueId, String actionId, Map<String, String> parameters, int strategyOrder,
                             String proposedBy, String state, boolean dryRun, String manualBy, String overrideReason,
                             Instant deferredSince, String decisionId, String escalationReason, Instant updatedAt) {
}
