package io.homeostat.service.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A decision as stored and served, with its explanation. */
public record DecisionRecord(
        String id,
        String issueId,
        String proposalId,
        String tenant,
        String resource,
        String issueType,
        String severity,
        String actionId,
        Map<String, String> parameters,
        String outcome,
        String reason,
        List<ExplanationEntry> explanation,
        Instant decidedAt,
        String blastGroup) {

    /** One explanation line: rule, gate (may be null), verdict, message and figures. */
    public record ExplanationEntry(String rule, String gate, String verdict, String message, Map<String, Object> figures) {
    }
}
