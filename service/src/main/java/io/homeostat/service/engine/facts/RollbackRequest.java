package io.homeostat.service.engine.facts;

/** Rules ask the executor to roll back the attempt of a decision (its verification failed). */
public record RollbackRequest(String decisionId, String reason) {
    public String getDecisionId() {
        return decisionId;
    }

    public String getReason() {
        return reason;
    }
}
