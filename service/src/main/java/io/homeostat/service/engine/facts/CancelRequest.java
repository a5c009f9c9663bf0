package io.homeostat.service.engine.facts;

/**
 * Rules ask the executor not to start the attempt of a RUN decision that still waits for its turn
 * (its alert resolved meanwhile). If the attempt has started, nothing changes: verification follows
 * as for any attempt. If it has not, it is recorded {@code cancelled} and a cancelled
 * {@link RemediationOutcome} comes back.
 */
public record CancelRequest(String decisionId, String reason) {
    public String getDecisionId() {
        return decisionId;
    }

    public String getReason() {
        return reason;
    }
}
