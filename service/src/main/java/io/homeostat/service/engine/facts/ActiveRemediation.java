package io.homeostat.service.engine.facts;

/** A remediation that passed the gates and is not over yet (running, verifying or rolling back). */
public record ActiveRemediation(String decisionId, String issueId, String tenant, String resource, String actionId, long since,
                                String group) {
    /** The blast-radius group (the value of the group label), or null when the resource is in none. */
    public String getGroup() {
        return group;
    }

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
