package io.homeostat.service.engine.facts;

import java.util.UUID;

/**
 * Automation hands an issue to humans: strategies exhausted, a gate blocked a critical issue,
 * critical work waited on a limit, or the problem came back during probation. One per issue (the
 * escalation rules check for an existing one; the store's unique key makes it certain); the
 * service delivers it through the configured notify action.
 */
public record Escalation(String id, String issueId, String tenant, String resource, String issueType, String reason, long time) {
    public static Escalation of(Issue issue, String reason, long time) {
        return new Escalation(UUID.randomUUID().toString(), issue.getId(), issue.getTenant(), issue.getResource(), issue.getType(),
                FactText.shorten(reason, 2000), time);
    }

    public String getId() {
        return id;
    }

    public String getIssueId() {
        return issueId;
    }

    public String getTenant() {
        return tenant;
    }

    public String getResource() {
        return resource;
    }

    public String getReason() {
        return reason;
    }

    public long getTime() {
        return time;
    }
}
