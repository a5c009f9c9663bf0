package io.homeostat.service.engine.facts;

/** How a rollback ended, fed back by the executor. */
public record RollbackOutcome(String decisionId, boolean succeeded, String message) {
    public String getDecisionId() {
        return decisionId;
    }

    public boolean isSucceeded() {
        return succeeded;
    }

    public String getMessage() {
        return message;
    }
}
