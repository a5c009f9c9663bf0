package io.homeostat.service.healthscore;

import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.model.PredictionRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The health score (docs/RULES.md, "Health score"): 0 to 100, 100 when nothing is wrong. Each open
 * issue takes its severity's weight from the score of its resource, of its category and of its
 * tenant overall: info 2, low 5, medium 10, high 20, critical 40; an issue that waits on a root cause
 * takes half (it is a symptom; the root counts in full). Scores do not go below 0. Categories are
 * compute, network, storage, database, security and application; an issue of another category
 * (an alert's, a rule's own) counts as application. A sum of weights rather than a mean over
 * resources, so that one critical outage is visible in a fleet of a thousand healthy hosts.
 * A pending prediction takes its confidence times 8 (failure within the hour), 4 (1–6 h) or 2
 * (6–24 h) from its metric's category (disk: storage, memory: compute, error rate: application).
 */
public final class HealthFormula {
    public static final List<String> CATEGORIES = List.of("compute", "network", "storage", "database", "security", "application");
    private static final Map<String, Double> WEIGHTS = Map.of("info", 2.0, "low", 5.0, "medium", 10.0, "high", 20.0, "critical", 40.0);

    private HealthFormula() {
    }

    /** One tenant's scores now. */
    public record Scores(String tenant, double overall, Map<String, Double> categories, Map<String, Double> resources, int openIssues) {
    }

    /** What each open issue takes away. */
    public static double weight(IssueRecord issue) {
        double weight = WEIGHTS.getOrDefault(issue.severity(), 10.0);
        return issue.rootCause() == null ? weight : weight / 2;
    }

    public static String category(IssueRecord issue) {
        return CATEGORIES.contains(issue.category()) ? issue.category() : "application";
    }

    /** What a pending prediction takes away: its confidence times its bucket's weight. */
    public static double weight(PredictionRecord prediction) {
        double bucket = switch (prediction.bucket()) {
            case "<1h" -> 8;
            case "1-6h" -> 4;
            default -> 2;
        };
        return bucket * Math.max(0, Math.min(1, prediction.confidence()));
    }

    static String category(PredictionRecord prediction) {
        return prediction.metric().startsWith("disk.") ? "storage" : prediction.metric().startsWith("memory.") ? "compute" : "application";
    }

    /** The scores from open issues only. */
    public static Map<String, Scores> of(List<IssueRecord> open, Iterable<String> tenants) {
        return of(open, List.of(), tenants);
    }

    /** The scores of every tenant that has open issues or pending predictions, plus {@code tenants} (at 100 when none). */
    public static Map<String, Scores> of(List<IssueRecord> open, List<PredictionRecord> pending, Iterable<String> tenants) {
        Map<String, Map<String, Double>> byCategory = new TreeMap<>();
        Map<String, Map<String, Double>> byResource = new TreeMap<>();
        Map<String, Double> overall = new TreeMap<>();
        Map<String, Integer> counts = new TreeMap<>();
        tenants.forEach(tenant -> overall.putIfAbsent(tenant, 0.0));
        for (IssueRecord issue : open) {
            if ("resolved".equals(issue.state())) {
                continue;
            }
            double weight = weight(issue);
            overall.merge(issue.tenant(), weight, Double::sum);
            counts.merge(issue.tenant(), 1, Integer::sum);
            byCategory.computeIfAbsent(issue.tenant(), t -> new TreeMap<>()).merge(category(issue), weight, Double::sum);
            byResource.computeIfAbsent(issue.tenant(), t -> new TreeMap<>()).merge(issue.resource(), weight, Double::sum);
        }
        for (PredictionRecord prediction : pending) {
            double weight = weight(prediction);
            overall.merge(prediction.tenant(), weight, Double::sum);
            byCategory.computeIfAbsent(prediction.tenant(), t -> new TreeMap<>()).merge(category(prediction), weight, Double::sum);
            byResource.computeIfAbsent(prediction.tenant(), t -> new TreeMap<>()).merge(prediction.resource(), weight, Double::sum);
        }
        Map<String, Scores> scores = new TreeMap<>();
        overall.forEach((tenant, taken) -> {
            Map<String, Double> categories = new LinkedHashMap<>();
            for (String category : CATEGORIES) {
                categories.put(category, score(byCategory.getOrDefault(tenant, Map.of()).getOrDefault(category, 0.0)));
            }
            Map<String, Double> resources = new TreeMap<>();
            byResource.getOrDefault(tenant, Map.of()).forEach((resource, weight) -> resources.put(resource, score(weight)));
            scores.put(tenant, new Scores(tenant, score(taken), categories, resources, counts.getOrDefault(tenant, 0)));
        });
        return scores;
    }

    private static double score(double taken) {
        return Math.max(0, 100 - taken);
    }
}
