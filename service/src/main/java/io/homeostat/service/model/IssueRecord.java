package io.homeostat.service.model;

import java.time.Instant;
import java.util.List;

/** An issue as stored and served: an immutable copy taken on the engine thread. */
public record IssueRecord(
        String id,
        String tenant,
        String fingerprint,
        String resource,
        String type,
        String severity,
        String category,
        String state,
        String summary,
        String openedBy,
        int evidenceCount,
        Instant openedAt,
        Instant lastEvidenceAt,
        Instant resolvedAt,
        Instant updatedAt,
        List<String> reporters,
        Instant lastClearAt) {
}
