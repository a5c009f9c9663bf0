package io.homeostat.service.model;

import java.time.Instant;
import java.util.Map;

/**
 * One execution of an action: pending → running → succeeded | failed. The id is also the
 * idempotency key handed to the plugin; one decision yields at most one remediation.
 */
public record RemediationRecord(
        String id,
        String decisionId,
        String issueId,
        String tenant,
        String resource,
        String actionId,
        String pluginId,
        String state,
        String message,
        Map<String, String> details,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Long durationMillis) {

    public static final String PENDING = "pending";
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
}
