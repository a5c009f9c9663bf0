package io.homeostat.service.engine.facts;

/**
 * The final word on one attempt, after verification: the breaker and learning rules count it,
 * then a rule deletes it (so that nothing counts it twice).
 */
public record AttemptFinished(String decisionId, String tenant, String resource, String resourceKind, String issueType,
                              String actionId, boolean succeeded, long recoveryMillis, String why) {
    public String getDecisionId() {
        return decisionId;
    }

    public String getTenant() {
        return tenant;
    }

    public String getResource() {
        return resource;
    }

    public String getResourceKind() {
        return resourceKind;
    }

    public String getIssueType() {
        return issueType;
    }

    public String getActionId() {
        return actionId;
    }

    public boolean isSucceeded() {
        return succeeded;
    }

    public long getRecoveryMillis() {
        return recoveryMillis;
    }

    public String getWhy() {
        return why;
    }
}
