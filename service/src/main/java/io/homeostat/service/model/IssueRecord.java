package io.homeostat.service.model;

import java.time.Instant;
import java.util.List;

/**
 * An issue as stored and served: an immutable copy taken on the engine thread. {@code rootCause} is
 * the id of the issue handled instead of this one (a resource it depends on), with the chain.
 */
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
        Instant lastClearAt,
        String rootCause,
        String rootCauseChain) {
}
