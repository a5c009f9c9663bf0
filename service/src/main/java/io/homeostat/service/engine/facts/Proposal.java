package io.homeostat.service.engine.facts;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.kie.api.definition.type.ClassReactive;

/**
 * One strategy for an issue: an action a rule proposes, in the rule's order of preference. The
 * strategy rules pick the best remaining candidate (by learned success and that order), the gates
 * decide it, and the lifecycle rules follow it through run, verification and rollback.
 * Parameters are strings chosen by the rule (an endpoint name, a mode), never commands: what
 * actually runs comes from the plugin's configuration.
 */
@ClassReactive
public final class Proposal implements Rescheduled {
    private final String id;
    private final String issueId;
    private final String actionId;
    private final Map<String, String> parameters;
    private final int order;
    private final String proposedBy;
    private ProposalState state;
    private boolean dryRun;
    private String manualBy;
    private String overrideReason;
    private long deferredSince;
    private long retryDelayMillis;
    private long retryAt;
    private String decisionId;
    private String score = "";
    private String lastDeferredBy;
    private String escalationReason;

    public Proposal(String issueId, String actionId, Map<String, String> parameters, int order, String proposedBy) {
        this(UUID.randomUUID().toString(), issueId, actionId, parameters, order, proposedBy, ProposalState.CANDIDATE);
    }

    private Proposal(String id, String issueId, String actionId, Map<String, String> parameters, int order, String proposedBy,
                     ProposalState state) {
        this.id = id;
        this.issueId = Objects.requireNonNull(issueId, "issueId");
        this.actionId = FactText.identifier("actionId", actionId, 256);
        this.parameters = Map.copyOf(Objects.requireNonNull(parameters, "parameters"));
        this.order = order;
        this.proposedBy = FactText.identifier("proposedBy", proposedBy, 512);
        this.state = state;
    }

    /** Strategy number {@code order} (1 = primary) for an issue: a candidate until the strategy rules pick it. */
    public static Proposal strategy(Issue issue, int order, String actionId, Map<String, String> parameters, String proposedBy) {
        return new Proposal(issue.getId(), actionId, parameters, order, proposedBy);
    }

    public static Proposal strategy(Issue issue, int order, String actionId, String proposedBy) {
        return strategy(issue, order, actionId, Map.of(), proposedBy);
    }

    /**
     * An operator's request to run an action now: it goes straight to the gates; with
     * {@code overrideReason} set, a gate that would stop it is recorded but does not.
     */
    public static Proposal manual(String issueId, String actionId, Map<String, String> parameters, String by, String overrideReason) {
        return manual(UUID.randomUUID().toString(), issueId, actionId, parameters, by, overrideReason);
    }

    /** {@link #manual(String, String, Map, String, String)} under an id chosen by the caller (the API answers with it). */
    public static Proposal manual(String id, String issueId, String actionId, Map<String, String> parameters, String by,
                                  String overrideReason) {
        Proposal proposal = new Proposal(id, issueId, actionId, parameters, 0, "operator " + by,
                ProposalState.NEW);
        proposal.manualBy = FactText.identifier("by", by, 128);
        proposal.overrideReason = overrideReason;
        return proposal;
    }

    /** A proposal read back from the store at start-up. */
    public static Proposal restore(String id, String issueId, String actionId, Map<String, String> parameters, int order,
                                   String proposedBy, ProposalState state, boolean dryRun, String manualBy, String overrideReason,
                                   long deferredSince, String decisionId) {
        Proposal proposal = new Proposal(id, issueId, actionId, parameters, order, proposedBy, state);
        proposal.dryRun = dryRun;
        proposal.manualBy = manualBy;
        proposal.overrideReason = overrideReason;
        proposal.deferredSince = deferredSince;
        proposal.decisionId = decisionId;
        return proposal;
    }

    /** Marks this strategy dry-run: rules may say so for one proposal ({@code Proposal.strategy(...).dryRun()}). */
    public Proposal dryRun() {
        this.dryRun = true;
        return this;
    }

    /**
     * The gates deferred it: evaluate again after {@code delayMillis}, but no later than when it
     * will have waited {@code maxWaitMillis} in all (so that giving up happens on time). Remembers
     * when the waiting began.
     */
    public void defer(long now, long delayMillis, long maxWaitMillis) {
        if (deferredSince == 0) {
            deferredSince = now;
        }
        state = ProposalState.DEFERRED;
        long untilGivingUp = deferredSince + maxWaitMillis - now;
        retryDelayMillis = Math.max(1_000, Math.min(delayMillis, untilGivingUp));
        retryAt = now + retryDelayMillis;
    }

    @Override
    public Proposal rebased(long now) {
        if (state == ProposalState.DEFERRED) {
            retryDelayMillis = Math.max(1, retryAt - now);
        }
        return this;
    }

    /** How long it has been waiting on limits, in ms (0 when it never was deferred). */
    public long waitedMillis(long now) {
        return deferredSince == 0 ? 0 : now - deferredSince;
    }

    public boolean isInFlight() {
        return state.isInFlight();
    }

    public boolean isManual() {
        return manualBy != null;
    }

    public boolean isOverride() {
        return overrideReason != null && !overrideReason.isBlank();
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

    public int getOrder() {
        return order;
    }

    public boolean isPrimary() {
        return order <= 1;
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

    public boolean isDryRun() {
        return dryRun;
    }

    public String getManualBy() {
        return manualBy;
    }

    public String getOverrideReason() {
        return overrideReason;
    }

    public long getDeferredSince() {
        return deferredSince;
    }

    /** The delay of the pending re-evaluation of a deferred proposal (the timer rule reads it). */
    public long getRetryDelayMillis() {
        return retryDelayMillis;
    }

    /** The decision that last concluded on this proposal. */
    public String getDecisionId() {
        return decisionId;
    }

    public void setDecisionId(String decisionId) {
        this.decisionId = decisionId;
    }

    /**
     * Asks for a human: the escalation rules turn the first such request of an issue into its
     * escalation. Automation may go on with other strategies.
     */
    public void escalate(String reason) {
        if (escalationReason == null) {
            escalationReason = FactText.shorten(reason, 2000);
        }
    }

    public String getEscalationReason() {
        return escalationReason;
    }

    /** The gate that deferred it last time, so that a repeated deferral is not recorded again. */
    public String getLastDeferredBy() {
        return lastDeferredBy;
    }

    public void setLastDeferredBy(String gate) {
        this.lastDeferredBy = gate;
    }

    /** How the strategy rules ranked it when they picked it, for the explanation. */
    public String getScore() {
        return score;
    }

    public void setScore(String score) {
        this.score = Objects.requireNonNull(score, "score");
    }

    @Override
    public String toString() {
        return "Proposal[" + actionId + " #" + order + " for " + issueId + " " + state + "]";
    }
}
