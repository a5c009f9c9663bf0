package io.homeostat.service.engine.helpers;

import io.homeostat.service.engine.facts.ActionStats;
import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.Proposal;
import java.util.List;
import java.util.Locale;

/**
 * Strategy ranking from learned outcomes: an upper-confidence score, so that the action that has
 * worked best is tried first but a rarely tried one still gets its turn.
 *
 * <pre>
 * score = P(success) + exploration × sqrt( ln(N + 1) / (n + 1) )
 * </pre>
 * with P(success) the Beta posterior mean from the plugin's prior, n this action's attempts and N
 * the attempts of all candidates, for the issue's type and resource kind. The rule's order stands
 * unless a later strategy scores more than {@code reorderMargin} above an earlier one: the plugin
 * authors' priors alone do not overturn the rule author's order, evidence does. An action no
 * loaded plugin provides scores 0.
 */
public final class Learning {
    private Learning() {
    }

    /** The stats entry for a key among {@code stats} (a collectList from the rules), or null. */
    public static ActionStats find(List<?> stats, String issueType, String actionId, String resourceKind) {
        for (Object item : stats) {
            if (item instanceof ActionStats s && s.getIssueType().equals(issueType) && s.getActionId().equals(actionId)
                    && s.getResourceKind().equals(resourceKind)) {
                return s;
            }
        }
        return null;
    }

    /** Picks the best of {@code candidates} and records on it how it was ranked. */
    public static Proposal best(List<?> candidates, List<?> stats, List<?> actions, PolicySettings policy, String issueType,
                                String resourceKind) {
        long total = 0;
        for (Object candidate : candidates) {
            ActionStats s = find(stats, issueType, ((Proposal) candidate).getActionId(), resourceKind);
            total += s == null ? 0 : s.getAttempts();
        }
        List<Proposal> ordered = new java.util.ArrayList<>();
        for (Object item : candidates) {
            ordered.add((Proposal) item);
        }
        ordered.sort(java.util.Comparator.comparingInt(Proposal::getOrder).thenComparing(Proposal::getId));
        Proposal best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        String bestNote = "";
        for (Proposal candidate : ordered) {
            AvailableAction action = action(actions, candidate.getActionId());
            ActionStats s = find(stats, issueType, candidate.getActionId(), resourceKind);
            long attempts = s == null ? 0 : s.getAttempts();
            double p = action == null ? 0 : s == null ? action.priorSuccessRate()
                    : s.successProbability(action.priorSuccessRate(), policy.getPriorWeight());
            double bonus = action == null ? 0 : policy.getExplorationWeight() * Math.sqrt(Math.log(total + 1.0) / (attempts + 1.0));
            double score = p + bonus;
            if (best == null || score > bestScore + policy.getReorderMargin()) {
                best = candidate;
                bestScore = score;
                bestNote = String.format(Locale.ROOT, "score %.3f = P(success) %.3f (%d attempts) + exploration %.3f; %d candidates",
                        score, p, attempts, bonus, candidates.size());
            }
        }
        if (best != null) {
            best.setScore(bestNote);
        }
        return best;
    }

    private static AvailableAction action(List<?> actions, String id) {
        for (Object item : actions) {
            if (item instanceof AvailableAction action && action.id().equals(id)) {
                return action;
            }
        }
        return null;
    }
}
