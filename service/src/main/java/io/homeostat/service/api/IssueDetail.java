package io.homeostat.service.api;

import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.model.RemediationRecord;
import java.util.List;

/** An issue with everything decided and done about it, oldest first. */
public record IssueDetail(IssueRecord issue, List<DecisionRecord> decisions, List<RemediationRecord> remediations) {
}
