package io.homeostat.service.engine.helpers;

import io.homeostat.service.engine.facts.ActionStats;
import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.engine.facts.Decision;
import io.homeostat.service.engine.facts.PolicySettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The arithmetic of the cost-benefit gate (gates.drl decides what to do with it).
 *
 * <pre>
 * benefit = P(success) × severity weight × resource criticality × expected minutes of the problem
 * cost    = the action's declared cost + the risk penalty of its risk level
 * ROI     = (benefit − cost) / cost          (cost floored at 0.01)
 * </pre>
 * P(success) is the learned Beta posterior for (issue type, action, resource kind), which is the
 * plugin's declared prior while there is no history. Units: one unit is one minute of a low-severity
 * problem on a resource of criticality 1.
 */
public record CostBenefit(double successProbability, long attempts, double severityWeight, double criticality,
                          double expectedMinutes, double benefit, double actionCost, double riskPenalty, double cost,
                          double roi, double threshold) {

    public static CostBenefit of(Decision decision, AvailableAction action, List<?> stats, PolicySettings policy) {
        ActionStats learned = Learning.find(stats, decision.getIssueType(), decision.getActionId(), decision.getResourceKind());
        double p = learned == null ? action.priorSuccessRate()
                : learned.successProbability(action.priorSuccessRate(), policy.getPriorWeight());
        double weight = policy.severityWeight(decision.getSeverity());
        double criticality = policy.criticality(decision.getResource());
        double minutes = policy.expectedMinutes(decision.getIssueType());
        double benefit = p * weight * criticality * minutes;
        double penalty = policy.riskPenalty(action.risk());
        double cost = action.cost() + penalty;
        double roi = (benefit - cost) / Math.max(cost, 0.01);
        return new CostBenefit(p, learned == null ? 0 : learned.getAttempts(), weight, criticality, minutes, benefit, action.cost(),
                penalty, cost, roi, policy.getRoiThreshold());
    }

    public boolean passes() {
        return roi > threshold;
    }

    public String message() {
        return String.format(Locale.ROOT, "ROI %.2f %s threshold %.2f (benefit %.2f = P %.2f × severity %.1f × criticality %.1f × %.0f min; "
                        + "cost %.2f = %.2f + risk %.2f)", roi, passes() ? ">" : "<=", threshold, benefit, successProbability,
                severityWeight, criticality, expectedMinutes, cost, actionCost, riskPenalty);
    }

    public Map<String, Object> figures() {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("roi", round(roi));
        figures.put("threshold", threshold);
        figures.put("benefit", round(benefit));
        figures.put("pSuccess", round(successProbability));
        figures.put("attempts", attempts);
        figures.put("severityWeight", severityWeight);
        figures.put("criticality", criticality);
        figures.put("expectedMinutes", expectedMinutes);
        figures.put("cost", round(cost));
        figures.put("actionCost", actionCost);
        figures.put("riskPenalty", riskPenalty);
        return figures;
    }

    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
