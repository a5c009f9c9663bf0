package io.homeostat.service.engine.facts;

import org.kie.api.definition.type.Expires;
import org.kie.api.definition.type.Role;
import org.kie.api.definition.type.Timestamp;

/** How a remediation ended, asserted back into the session by the executor. */
@Role(Role.Type.EVENT)
@Timestamp("time")
@Expires("25h")
public record RemediationOutcome(String decisionId, String issueId, String tenant, String resource, String actionId,
                                 boolean succeeded, String message, long time) {
    public String getDecisionId() {
        return decisionId;
    }

    public String getIssueId() {
        return issueId;
    }

    public String getResource() {
        return resource;
    }

    public String getActionId() {
        return actionId;
    }

    public boolean isSucceeded() {
        return succeeded;
    }

    public String getMessage() {
        return message;
    }

    public long getTime() {
        return time;
    }
}
