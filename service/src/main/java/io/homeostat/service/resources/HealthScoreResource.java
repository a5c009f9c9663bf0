package io.homeostat.service.resources;

import io.dropwizard.auth.Auth;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.Role;
import io.homeostat.service.healthscore.HealthFormula;
import io.homeostat.service.healthscore.HealthScorer;
import io.homeostat.service.healthscore.Trend;
import io.homeostat.service.store.HealthHistoryStore;
import io.homeostat.service.store.IssueStore;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/health-score}: a tenant's health now (overall, each category, the resources that
 * are not at 100), its trend over the last hour, and the issues detected and fixed by automation in
 * the last 24 hours; {@code /history?since=} the points recorded once a minute. docs/RULES.md, "Health score".
 */
@Path("/api/v1/health-score")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthScoreResource {
    private final HealthScorer scorer;
    private final IssueStore issues;
    private final HealthHistoryStore history;
    private final Clock clock;

    public HealthScoreResource(HealthScorer scorer, IssueStore issues, HealthHistoryStore history, Clock clock) {
        this.scorer = scorer;
        this.issues = issues;
        this.history = history;
        this.clock = clock;
    }

    /** The answer of {@code GET /api/v1/health-score}. */
    public record View(String tenant, double overall, Map<String, Double> categories, Map<String, Double> resources, int openIssues,
                       Trend trend, long issuesDetected24h, long autoRemediated24h, Instant at) {
    }

    /** The answer of {@code GET /api/v1/health-score/history}. */
    public record History(String tenant, List<HealthHistoryStore.Point> points) {
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public View current(@Parameter(hidden = true) @Auth Caller caller, @QueryParam("tenant") String tenant) {
        String scoped = tenantOf(caller, tenant);
        Instant now = clock.instant();
        HealthFormula.Scores scores = scorer.current(scoped);
        Instant dayAgo = now.minus(Duration.ofDays(1));
        long fixed = issues.countFixedSince(scoped, dayAgo);
        return new View(scoped, scores.overall(), scores.categories(), scores.resources(), scores.openIssues(), scorer.trend(scoped),
                issues.openedSince(scoped, dayAgo), fixed, now);
    }

    @GET
    @Path("/history")
    @RolesAllowed(Role.VIEWER_NAME)
    public History history(@Parameter(hidden = true) @Auth Caller caller, @QueryParam("tenant") String tenant,
                           @QueryParam("since") String since, @QueryParam("category") String category) {
        String scoped = tenantOf(caller, tenant);
        Instant from;
        try {
            from = since == null ? clock.instant().minus(Duration.ofHours(24)) : Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw ApiErrors.error(400, "query parameter 'since': '" + since + "' is not an RFC 3339 time such as 2026-12-01T08:00:00Z");
        }
        if (category != null && !category.equals(HealthScorer.OVERALL) && !HealthFormula.CATEGORIES.contains(category)) {
            throw ApiErrors.error(400, "query parameter 'category': '" + category + "' is not overall or one of " + HealthFormula.CATEGORIES);
        }
        return new History(scoped, history.since(scoped, category, from, 50_000));
    }

    private static String tenantOf(Caller caller, String requested) {
        String scoped = Tenancy.filter(caller, requested);
        return scoped == null ? "default" : scoped;
    }
}
