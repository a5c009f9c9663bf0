package io.homeostat.service.engine.facts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A pair's autonomy changed: promoted or demoted by a rule (with the figures it judged), or pinned
 * and unpinned by an operator. Leaves the session as a record (stored and audited), then is deleted.
 *
 * @param kind promoted, demoted, pinned or unpinned
 * @param by the rule's name, or "operator NAME"
 */
public record AutonomyChange(String id, String tenant, String issueType, String actionId, String kind, AutonomyMode from,
                             AutonomyMode to, String by, String reason, Map<String, Object> figures, long time) {
    public AutonomyChange {
        figures = Map.copyOf(new LinkedHashMap<>(figures));
    }

    /** A change of {@code autonomy}'s mode to {@code to}, judged on its record as it is now. */
    public static AutonomyChange of(Autonomy autonomy, String kind, AutonomyMode to, String by, String reason, long time) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("attempts", autonomy.getAttempts());
        figures.put("successes", autonomy.getSuccesses());
        figures.put("successRate", Math.round(autonomy.getSuccessRate() * 1000) / 1000.0);
        figures.put("failuresInARow", autonomy.getFailureRun());
        figures.put("observed", autonomy.getObserved());
        return new AutonomyChange(UUID.randomUUID().toString(), autonomy.getTenant(), autonomy.getIssueType(), autonomy.getActionId(),
                kind, autonomy.getMode(), to, by, FactText.shorten(reason, 1000), figures, time);
    }

    public String getTenant() {
        return tenant;
    }

    public String getIssueType() {
        return issueType;
    }

    public String getActionId() {
        return actionId;
    }

    public String getKind() {
        return kind;
    }
}
