package io.homeostat.service.engine.facts;

/**
 * An operator's request (the API) to pin a pair's autonomy to {@code mode}, or to unpin it when
 * {@code mode} is null. Applied by a rule (rules/autonomy.drl), then deleted.
 */
public record AutonomyPin(String tenant, String issueType, String actionId, AutonomyMode mode, String by, String reason, long time) {
    public String getTenant() {
        return tenant;
    }

    public String getIssueType() {
        return issueType;
    }

    public String getActionId() {
        return actionId;
    }

    public AutonomyMode getMode() {
        return mode;
    }

    public String getBy() {
        return by;
    }

    public String getReason() {
        return reason;
    }
}
