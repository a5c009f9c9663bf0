package io.homeostat.service.model;

import java.time.Instant;

/** A request for a human's approval, as stored and served by {@code /api/v1/approvals}. */
public record ApprovalRecord(String id, String decisionId, String proposalId, String issueId, String tenant, String resource,
                             String actionId, String risk, String state, Instant requestedAt, Instant expiresAt, String decidedBy,
                             String reason, Instant decidedAt) {
    public static final String PENDING = "pending";
}
