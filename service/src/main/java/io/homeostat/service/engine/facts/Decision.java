package io.homeostat.service.engine.facts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What the gates made of one proposal, with its explanation. Rules create it for a proposal, each
 * gate rule records a verdict ({@link #gate}, {@link #defer}, {@link #awaitApproval},
 * {@link #dryRun}), and a final rule calls {@link #conclude}. The engine persists it when its
 * outcome is final, before any action runs. Every verdict stays in the explanation, with the
 * figures the gate used, so that "why did it act, or not?" has a complete answer.
 */
public final class Decision {
    /** Gates an operator's override cannot pass: there is nothing to run. */
    private static final String ACTION_AVAILABLE = "action-available";

    private final String id;
    private final String issueId;
    private final String proposalId;
    private final String tenant;
    private final String resource;
    private final String resourceKind;
    private final String issueType;
    private final Severity severity;
    private final String actionId;
    private final Map<String, String> parameters;
    private final boolean manual;
    private final String overrideReason;
    private final String manualBy;
    private final boolean proposalDryRun;
    private final List<ExplanationStep> explanation = new ArrayList<>();
    private DecisionOutcome outcome = DecisionOutcome.PENDING;
    private String reason = "";
    private String blockedBy;
    private String deferredBy;
    /** Deferred only by waits the policy asks for (hold-off, backoff), none of them a limit. */
    private boolean onlyWaiting = true;
    private String awaitingBy;
    private String dryRunBy;
    private boolean unavailable;
    private long retryDelayMillis;
    private boolean repeat;
    private String approvalRisk;
    private String group;
    private long decidedAt;

    public Decision(Issue issue, Proposal proposal) {
        this.id = UUID.randomUUID().toString();
        this.issueId = issue.getId();
        this.proposalId = proposal.getId();
        this.tenant = issue.getTenant();
        this.resource = issue.getResource();
        this.resourceKind = issue.getResourceKind();
        this.issueType = issue.getType();
        this.severity = issue.getSeverity();
        this.actionId = proposal.getActionId();
        this.parameters = proposal.getParameters();
        this.manual = proposal.isManual();
        this.manualBy = proposal.getManualBy();
        this.overrideReason = proposal.isOverride() ? proposal.getOverrideReason() : null;
        this.proposalDryRun = proposal.isDryRun();
        explanation.add(new ExplanationStep(issue.getOpenedBy(), null, "info",
                "classified " + issue.getResource() + " as " + issue.getType() + " (" + issue.getSeverity().label() + ")",
                Map.of("evidence", issue.getEvidenceCount(), "reporters", issue.getReporters())));
        String how = proposal.isManual() ? "requested by operator " + proposal.getManualBy()
                : "proposed as " + (proposal.isPrimary() ? "the primary strategy" : "fallback strategy " + proposal.getOrder());
        Map<String, Object> figures = new LinkedHashMap<>();
        if (!proposal.getParameters().isEmpty()) {
            figures.put("parameters", proposal.getParameters());
        }
        if (!proposal.getScore().isEmpty()) {
            figures.put("ranking", proposal.getScore());
        }
        explanation.add(new ExplanationStep(proposal.getProposedBy(), null, "info", how + ": " + proposal.getActionId(), figures));
    }

    /**
     * Records a gate's verdict. The first blocking verdict becomes the decision's reason; all
     * verdicts stay in the explanation so that an operator sees every gate's figures.
     */
    public void gate(String gate, boolean passed, String rule, String message, Map<String, ?> figures) {
        Objects.requireNonNull(gate, "gate");
        explanation.add(new ExplanationStep(rule, gate, passed ? "pass" : "block", message, new LinkedHashMap<>(figures)));
        if (!passed) {
            if (ACTION_AVAILABLE.equals(gate)) {
                unavailable = true;
            }
            if (blockedBy == null) {
                blockedBy = gate;
                reason = gate + ": " + message;
            }
        }
    }

    /**
     * A limit is reached: the proposal waits and is evaluated again after {@code retryAfterMillis}
     * (the longest wait any limit asks for).
     */
    public void defer(String gate, String rule, String message, Map<String, ?> figures, long retryAfterMillis) {
        Map<String, Object> all = new LinkedHashMap<>(figures);
        all.put("retryAfterMillis", retryAfterMillis);
        explanation.add(new ExplanationStep(rule, gate, "defer", message, all));
        retryDelayMillis = Math.max(retryDelayMillis, retryAfterMillis);
        onlyWaiting = false;
        if (deferredBy == null) {
            deferredBy = gate;
            if (blockedBy == null) {
                reason = gate + ": " + message;
            }
        }
    }

    /**
     * Not yet, by design rather than by a limit: the policy asks to wait until the problem has lasted
     * long enough (an alert's hold-off) or a backoff is over. Deferred like {@link #defer}, but a
     * critical issue waiting only on such a wait is not escalated as "waiting on a limit".
     */
    public void hold(String gate, String rule, String message, Map<String, ?> figures, long retryAfterMillis) {
        boolean waitingBefore = onlyWaiting;
        defer(gate, rule, message, figures, retryAfterMillis);
        onlyWaiting = waitingBefore;
    }

    /** True when some gate deferred it and every deferral was a {@link #hold}, not a limit. */
    public boolean isOnlyHeld() {
        return deferredBy != null && onlyWaiting;
    }

    /** A human must approve before it runs. */
    public void awaitApproval(String gate, String rule, String message, Map<String, ?> figures, String risk) {
        approvalRisk = risk;
        explanation.add(new ExplanationStep(rule, gate, "await", message, new LinkedHashMap<>(figures)));
        awaitingBy = gate;
    }

    /** It would run, but dry-run is on for it: record what would have run, run nothing. */
    public void dryRun(String gate, String rule, String message, Map<String, ?> figures) {
        explanation.add(new ExplanationStep(rule, gate, "dry-run", message, new LinkedHashMap<>(figures)));
        dryRunBy = gate;
    }

    /** True while no gate so far blocked, deferred or asked a human: it would run if nothing after says otherwise. */
    public boolean isClearToRun() {
        return blockedBy == null && deferredBy == null && awaitingBy == null && dryRunBy == null;
    }

    /** The gate that made it a dry-run ("dry-run", or "autonomy" for a pair in observe mode), or null. */
    public String getDryRunBy() {
        return dryRunBy;
    }

    /** True when a gate asked for a human's approval. */
    public boolean isAwaitingApproval() {
        return awaitingBy != null;
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

    /**
     * Ends the gate phase. Blocked beats deferred beats awaiting approval beats dry-run beats run.
     * An operator's override turns anything but a missing action into RUN, and says what it overrode.
     */
    public void conclude(String rule, Proposal proposal) {
        boolean stopped = blockedBy != null || deferredBy != null || awaitingBy != null || dryRunBy != null;
        if (overrideReason != null && stopped && !unavailable) {
            outcome = DecisionOutcome.RUN;
            reason = "operator " + manualBy + " overrode " + overridden() + ": " + overrideReason;
        } else if (blockedBy != null) {
            outcome = DecisionOutcome.BLOCKED;
        } else if (deferredBy != null) {
            outcome = DecisionOutcome.DEFERRED;
            repeat = proposal.getLastDeferredBy() != null && proposal.getLastDeferredBy().equals(deferredBy);
        } else if (awaitingBy != null) {
            outcome = DecisionOutcome.AWAITING_APPROVAL;
            reason = awaitingBy + ": waiting for a human to approve " + actionId;
        } else if (dryRunBy != null) {
            outcome = DecisionOutcome.DRY_RUN;
            reason = ("autonomy".equals(dryRunBy) ? "observe" : "dry-run") + ": would have run " + actionId + " on " + resource + (parameters.isEmpty() ? "" : " with " + parameters);
        } else {
            outcome = DecisionOutcome.RUN;
            reason = "all gates passed";
        }
        explanation.add(new ExplanationStep(rule, null, "info", "decided: " + outcome.label() + " (" + reason + ")", Map.of()));
    }

    private String overridden() {
        List<String> gates = new ArrayList<>();
        for (ExplanationStep step : explanation) {
            if (step.gate() != null && !"pass".equals(step.verdict())) {
                gates.add(step.gate());
            }
        }
        return String.join(", ", gates);
    }

    /**
     * Ends an approval with a decision of its own: rejected or expired approvals block the
     * proposal, and that is recorded like any gate.
     */
    public void concludeBlocked(String gate, String rule, String message, Map<String, ?> figures) {
        gate(gate, false, rule, message, figures);
        conclude(rule, null);
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

    public String getResourceKind() {
        return resourceKind;
    }

    public String getIssueType() {
        return issueType;
    }

    public Severity getSeverity() {
        return severity;
    }

    public boolean isCritical() {
        return severity == Severity.CRITICAL;
    }

    public String getActionId() {
        return actionId;
    }

    public Map<String, String> getParameters() {
        return parameters;
    }

    public boolean isManual() {
        return manual;
    }

    public boolean isOverride() {
        return overrideReason != null;
    }

    public boolean isProposalDryRun() {
        return proposalDryRun;
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
        return blockedBy != null;
    }

    /** The gate that blocked it, or null. */
    public String getBlockedBy() {
        return blockedBy;
    }

    /** The gate that deferred it, or null. */
    public String getDeferredBy() {
        return deferredBy;
    }

    public long getRetryDelayMillis() {
        return retryDelayMillis;
    }

    /** The blast-radius group the resource belongs to (set by the blast-radius gate), or null. */
    public String getGroup() {
        return group;
    }

    public void setGroup(String group) {
        this.group = group;
    }

    /** The risk level that made the approval gate ask for a human. */
    public String getApprovalRisk() {
        return approvalRisk;
    }

    /** A deferral by the same gate as the proposal's previous one: not recorded again. */
    public boolean isRepeat() {
        return repeat;
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
