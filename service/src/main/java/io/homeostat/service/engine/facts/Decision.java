package io.homeostat.service.engine.facts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What the gates made of one proposal, with its explanation. Rules create it for a new proposal,
 * each gate rule records a verdict with {@link #gate}, and a final rule calls {@link #conclude}.
 * The engine persists it when its outcome is final, before any action runs.
 */
public final class Decision {
    private final String id;
    private final String issueId;
    private final String proposalId;
    private final String tenant;
    private final String resource;
    private final String issueType;
    private final Severity severity;
    private final String actionId;
    private final Map<String, String> parameters;
    private final List<ExplanationStep> explanation = new ArrayList<>();
    private DecisionOutcome outcome = DecisionOutcome.PENDING;
    private String reason = "";
    private boolean blocked;
    private long decidedAt;

    public Decision(Issue issue, Proposal proposal) {
        this.id = UUID.randomUUID().toString();
        this.issueId = issue.getId();
        this.proposalId = proposal.getId();
        this.tenant = issue.getTenant();
        this.resource = issue.getResource();
        this.issueType = issue.getType();
        this.severity = issue.getSeverity();
        this.actionId = proposal.getActionId();
        this.parameters = proposal.getParameters();
        explanation.add(new ExplanationStep(issue.getOpenedBy(), null, "info",
                "classified " + issue.getResource() + " as " + issue.getType() + " (" + issue.getSeverity().label() + ")",
                Map.of("evidence", issue.getEvidenceCount())));
        explanation.add(new ExplanationStep(proposal.getProposedBy(), null, "info",
                "proposed " + proposal.getActionId() + (proposal.isPrimary() ? " as the primary strategy" : " as a fallback"),
                proposal.getParameters().isEmpty() ? Map.of() : Map.of("parameters", proposal.getParameters())));
    }

    /**
     * Records a gate's verdict. The first blocking verdict becomes the decision's reason; all
     * verdicts stay in the explanation so that an operator sees every gate's figures.
     */
    public void gate(String gate, boolean passed, String rule, String message, Map<String, ?> figures) {
        Objects.requireNonNull(gate, "gate");
        explanation.add(new ExplanationStep(rule, gate, passed ? "pass" : "block", message, new LinkedHashMap<>(figures)));
        if (!passed && !blocked) {
            blocked = true;
            reason = gate + ": " + message;
        }
    }

    /** True once the named gate has recorded a verdict; gate rules use it to fire once. */
    public boolean hasVerdict(String gate) {
        for (ExplanationStep step : explanation) {
            if (gate.equals(step.gate())) {
                return true;
            }
        }
        return false;
    }

    /** Ends the gate phase: RUN when every gate passed, otherwise BLOCKED with the first reason. */
    public void conclude(String rule) {
        outcome = blocked ? DecisionOutcome.BLOCKED : DecisionOutcome.RUN;
        if (!blocked) {
            reason = "all gates passed";
        }
        explanation.add(new ExplanationStep(rule, null, "info", "decided: " + outcome.label() + " (" + reason + ")", Map.of()));
    }

    public boolean isPending() {
        return outcome == DecisionOutcome.PENDING;
    }

    public String getId() {
        return id;
    }

    public String getIssueId() {
        return issueId;
    }

    public String getProposalId() {
        return proposalId;
    }

    public String getTenant() {
        return tenant;
    }

    public String getResource() {
        return resource;
    }

    public String getIssueType() {
        return issueType;
    }

    public Severity getSeverity() {
        return severity;
    }

    public String getActionId() {
        return actionId;
    }

    public Map<String, String> getParameters() {
        return parameters;
    }

    public List<ExplanationStep> getExplanation() {
        return List.copyOf(explanation);
    }

    public DecisionOutcome getOutcome() {
        return outcome;
    }

    public String getReason() {
        return reason;
    }

    public boolean isBlocked() {
        return blocked;
    }

    /** Session time of the conclusion, set by the engine. */
    public long getDecidedAt() {
        return decidedAt;
    }

    public void setDecidedAt(long decidedAt) {
        this.decidedAt = decidedAt;
    }

    @Override
    public String toString() {
        return "Decision[" + actionId + " " + resource + " " + outcome + " " + reason + "]";
    }
}
