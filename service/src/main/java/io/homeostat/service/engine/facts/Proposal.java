package io.homeostat.service.engine.facts;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * An action a rule proposes for an issue. Parameters are strings chosen by the rule (an endpoint
 * name, a mode), never commands: what actually runs comes from the plugin's configuration.
 */
public final class Proposal {
    private final String id;
    private final String issueId;
    private final String actionId;
    private final Map<String, String> parameters;
    private final int priority;
    private final boolean primary;
    private final String proposedBy;
    private ProposalState state = ProposalState.NEW;

    public Proposal(String issueId, String actionId, Map<String, String> parameters, int priority,
                    boolean primary, String proposedBy) {
        this.id = UUID.randomUUID().toString();
        this.issueId = Objects.requireNonNull(issueId, "issueId");
        this.actionId = FactText.identifier("actionId", actionId, 256);
        this.parameters = Map.copyOf(Objects.requireNonNull(parameters, "parameters"));
        this.priority = priority;
        this.primary = primary;
        this.proposedBy = Objects.requireNonNull(proposedBy, "proposedBy");
    }

    /** The usual case: the primary action for an issue, no parameters. */
    public static Proposal primary(Issue issue, String actionId, String proposedBy) {
        return new Proposal(issue.getId(), actionId, Map.of(), 100, true, proposedBy);
    }

    public static Proposal primary(Issue issue, String actionId, Map<String, String> parameters, String proposedBy) {
        return new Proposal(issue.getId(), actionId, parameters, 100, true, proposedBy);
    }

    public String getId() {
        return id;
    }

    public String getIssueId() {
        return issueId;
    }

    public String getActionId() {
        return actionId;
    }

    public Map<String, String> getParameters() {
        return parameters;
    }

    public int getPriority() {
        return priority;
    }

    public boolean isPrimary() {
        return primary;
    }

    public String getProposedBy() {
        return proposedBy;
    }

    public ProposalState getState() {
        return state;
    }

    public void setState(ProposalState state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    @Override
    public String toString() {
        return "Proposal[" + actionId + " for " + issueId + " " + state + "]";
    }
}
