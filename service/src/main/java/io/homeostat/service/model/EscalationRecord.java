package io.homeostat.service.model;

import java.time.Instant;

/** An issue handed to humans, and whether the notify action delivered it. */
public record EscalationRecord(String id, String issueId, String tenant, String resource, String issueType, String reason,
                               Instant createdAt, String state, String message, Instant sentAt) {
    public static final String PENDING = "pending";
    public static final String SENT = "sent";
    public static final String FAILED = "failed";
}
