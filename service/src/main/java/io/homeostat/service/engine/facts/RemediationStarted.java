package io.homeostat.service.engine.facts;

import org.kie.api.definition.type.Expires;
import org.kie.api.definition.type.Role;
import org.kie.api.definition.type.Timestamp;

/**
 * Marks that a remediation was let through the gates at {@code time}. Rate-limit gates count these
 * over sliding windows; they expire after a day, longer than any default window.
 */
@Role(Role.Type.EVENT)
@Timestamp("time")
@Expires("25h")
public record RemediationStarted(String decisionId, String tenant, String resource, String actionId, long time) {
    public long getTime() {
        return time;
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

    public String getDecisionId() {
        return decisionId;
    }
}
