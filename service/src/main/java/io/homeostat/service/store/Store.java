package io.homeostat.service.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.model.RemediationRecord;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The JDBI data layer, the same on PostgreSQL and H2. Its one write path for engine output keeps
 * the promise that a decision, and the pending remediation a RUN decision implies, are committed
 * together before any action starts.
 */
public final class Store {
    private final Jdbi jdbi;
    private final IssueStore issues;
    private final DecisionStore decisions;
    private final RemediationStore remediations;

    public Store(Jdbi jdbi, ObjectMapper mapper) {
        this.jdbi = jdbi;
        JsonColumns json = new JsonColumns(mapper);
        this.issues = new IssueStore(jdbi);
        this.decisions = new DecisionStore(jdbi, json);
        this.remediations = new RemediationStore(jdbi, json);
    }

    /** Writes one engine batch's issues, decisions and pending remediations in one transaction. */
    public void recordOutputs(List<IssueRecord> changedIssues, List<DecisionRecord> newDecisions, List<RemediationRecord> pending) {
        jdbi.useTransaction(handle -> {
            for (IssueRecord issue : changedIssues) {
                issues.upsert(handle, issue);
            }
            for (DecisionRecord decision : newDecisions) {
                decisions.insert(handle, decision);
            }
            for (RemediationRecord remediation : pending) {
                remediations.insertPending(handle, remediation);
            }
        });
    }

    public IssueStore issues() {
        return issues;
    }

    public DecisionStore decisions() {
        return decisions;
    }

    public RemediationStore remediations() {
        return remediations;
    }
}
