package io.homeostat.service.engine.facts;

/** A remediation that passed the gates and has not reported its outcome yet. */
public record ActiveRemediation(String decisionId, String issueId, String tenant, String resource, String actionId, long since) {
    public String getDecisionId() {
        return decisionId;
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

    public String getActionId() {
        return actionId;
    }

    public long getSince() {
        return since;
    }
}
