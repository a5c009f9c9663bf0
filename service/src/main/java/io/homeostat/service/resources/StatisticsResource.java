package io.homeostat.service.resources;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Parameter;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.Role;
import jakarta.annotation.security.RolesAllowed;
import io.homeostat.service.engine.facts.ActionStats;
import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.model.AutonomyRecord;
import io.homeostat.service.model.StatisticsRecord;
import java.time.Instant;
import io.homeostat.service.store.Store;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/statistics}: what has been learned per (issue type, action, resource kind),
 * with P(success) as the rules use it (the Beta posterior from the plugin's prior), and totals.
 */
@Path("/api/v1/statistics")
@Produces(MediaType.APPLICATION_JSON)
public final class StatisticsResource {
    /** One learned entry. */
    public record Entry(String issueType, String actionId, String resourceKind, long attempts, long successes, Double prior,
                        Double successProbability, Double meanSecondsToRecover) {
    }

    /** Totals over everything recorded. */
    public record Totals(long issuesDetected, Map<String, Long> issuesByState, long remediations, Map<String, Long> remediationsByState,
                         long verifiedAttempts, long verifiedSuccesses, Double successRate, Double meanSecondsToRecover,
                         Map<String, Long> decisionsByOutcome, long escalations) {
    }

    /**
     * Earned autonomy: how many (issue type, action) pairs are in each mode, how many are pinned, and how
     * often rules promoted and demoted them and operators pinned them (every change ever recorded).
     */
    public record Autonomy(Map<String, Long> pairsByMode, long pinned, Map<String, Long> changes) {
    }

    /** The answer. */
    public record Statistics(Totals totals, List<Entry> actions, List<io.homeostat.service.store.PredictionStore.Accuracy> predictions,
                             Autonomy autonomy) {
    }

    private final Store store;
    private final Supplier<List<AvailableAction>> actions;
    private final DoubleSupplier priorWeight;

    public StatisticsResource(Store store, Supplier<List<AvailableAction>> actions, DoubleSupplier priorWeight) {
        this.store = store;
        this.actions = actions;
        this.priorWeight = priorWeight;
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public Statistics get(@Parameter(hidden = true) @Auth Caller caller) {
        String tenant = caller.tenant();
        Map<String, Double> priors = new LinkedHashMap<>();
        for (AvailableAction action : actions.get()) {
            priors.put(action.id(), action.priorSuccessRate());
        }
        List<Entry> entries = new ArrayList<>();
        long attempts = 0;
        long successes = 0;
        long recovery = 0;
        for (StatisticsRecord s : store.gateState().statistics()) {
            Double prior = priors.get(s.actionId());
            entries.add(new Entry(s.issueType(), s.actionId(), s.resourceKind(), s.attempts(), s.successes(), prior,
                    prior == null ? null : round(ActionStats.posterior(prior, priorWeight.getAsDouble(), s.successes(), s.attempts())),
                    s.successes() == 0 ? null : round(s.totalRecoveryMillis() / 1000.0 / s.successes())));
            attempts += s.attempts();
            successes += s.successes();
            recovery += s.totalRecoveryMillis();
        }
        Map<String, Long> issues = store.issues().countByState(tenant);
        long detected = issues.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Long> remediations = store.remediations().countByState(tenant);
        Totals totals = new Totals(detected, issues, remediations.values().stream().mapToLong(Long::longValue).sum(), remediations,
                attempts, successes, attempts == 0 ? null : round((double) successes / attempts),
                successes == 0 ? null : round(recovery / 1000.0 / successes), store.decisions().countByOutcome(tenant),
                store.escalations().count(tenant));
        String scope = caller.allTenants() ? null : caller.tenant();
        Map<String, Long> byMode = new java.util.TreeMap<>();
        long pinned = 0;
        for (AutonomyRecord pair : store.autonomy().pairs(scope)) {
            byMode.merge(pair.mode(), 1L, Long::sum);
            pinned += pair.pinned() ? 1 : 0;
        }
        return new Statistics(totals, entries, store.predictions().accuracy(scope),
                new Autonomy(byMode, pinned, store.autonomy().countChanges(scope, Instant.EPOCH)));
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
