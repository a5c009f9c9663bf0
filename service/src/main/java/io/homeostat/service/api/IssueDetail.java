package io.homeostat.service.api;

import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.EscalationDelivery;
import io.homeostat.service.model.EscalationRecord;
import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.model.ProposalRecord;
import io.homeostat.service.model.RemediationRecord;
import java.util.List;

/**
 * An issue with everything decided and done about it, oldest first: its strategies and where
 * they stand, every decision with its explanation, every attempt, and its escalation if any with
 * each channel's delivery.
 */
public record IssueDetail(IssueRecord issue, List<ProposalRecord> strategies, List<DecisionRecord> decisions,
                          List<RemediationRecord> remediations, EscalationRecord escalation, List<EscalationDelivery> escalationDeliveries) {
}
