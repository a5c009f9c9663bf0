package io.homeostat.service.model;

import java.time.Instant;
import java.util.Map;

/**
 * One change of a pair's autonomy: promoted or demoted by a rule with the figures it judged, or
 * pinned or unpinned by an operator.
 *
 * @param changedBy the rule's name, or "operator NAME"
 */
public record AutonomyChangeRecord(String id, String tenant, String issueType, String actionId, String kind, String fromMode,
                                   String toMode, String changedBy, String reason, Map<String, Object> figures, Instant changedAt) {
    public AutonomyChangeRecord {
        figures = figures == null ? Map.of() : Map.copyOf(figures);
    }
}
