package io.homeostat.service.healthscore;

import io.dropwizard.lifecycle.Managed;
import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.store.HealthHistoryStore;
import io.homeostat.service.store.IssueStore;
import io.homeostat.service.store.PredictionStore;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores every tenant from the open issues and pending predictions in the store ({@link HealthFormula}) every
 * {@code interval}: records one history point per tenant and category ("overall" among them), sets
 * the Prometheus gauge {@code homeostat_health_score{tenant,category}} (old history is archived and
 * deleted by retention). A failed round (the database away) is logged and counted; the next one runs.
 * The API scores on demand from the same formula ({@link #current}), so that it is never a minute old.
 */
public final class HealthScorer implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(HealthScorer.class);
    public static final String OVERALL = "overall";
    private final IssueStore issues;
    private final HealthHistoryStore history;
    private final PredictionStore predictions;
    private final Set<String> tenants;
    private final Duration interval;
    private final Clock clock;
    private final Gauge gauge;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "homeostat-health-score");
        thread.setDaemon(true);
        return thread;
    });
    private volatile long failures;

    private final java.util.function.BooleanSupplier leads;

    /** @param leads true while this replica leads: every replica keeps its gauge, only the leader records the history */
    public HealthScorer(IssueStore issues, HealthHistoryStore history, PredictionStore predictions, Set<String> tenants, Duration interval,
                        Clock clock, PrometheusRegistry registry, java.util.function.BooleanSupplier leads) {
        this.leads = leads;
        this.issues = issues;
        this.history = history;
        this.predictions = predictions;
        this.tenants = new TreeSet<>(tenants);
        this.tenants.add("default");
        this.interval = interval;
        this.clock = clock;
        this.gauge = Gauge.builder().name("homeostat_health_score").help("Health score 0-100 by tenant and category (overall among them)")
                .labelNames("tenant", "category").register(registry);
    }

    @Override
    public void start() {
        timer.scheduleWithFixedDelay(this::round, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        timer.shutdownNow();
    }

    /** The scores of {@code tenant} now. */
    public HealthFormula.Scores current(String tenant) {
        return HealthFormula.of(issues.active(tenant), predictions.pending(tenant, clock.instant()), List.of(tenant)).get(tenant);
    }

    /** Rounds that failed (the database away). */
    public long failures() {
        return failures;
    }

    void round() {
        try {
            Instant now = clock.instant();
            List<IssueRecord> open = issues.active();
            Map<String, Map<String, Double>> points = new LinkedHashMap<>();
            HealthFormula.of(open, predictions.pending(now), tenants).forEach((tenant, scores) -> {
                Map<String, Double> row = new LinkedHashMap<>();
                row.put(OVERALL, scores.overall());
                row.putAll(scores.categories());
                points.put(tenant, row);
                row.forEach((category, score) -> gauge.labelValues(tenant, category).set(score));
            });
            if (leads.getAsBoolean()) {
                history.record(now, points); // one point a minute, not one per replica
            }
        } catch (RuntimeException e) {
            failures++;
            LOG.warn("health score round failed ({}); the next one is in {}", e.getMessage(), interval);
        }
    }

    /** The trend of one tenant's overall score from the last hour of history. */
    public Trend trend(String tenant) {
        List<Trend.Point> points = new ArrayList<>();
        for (HealthHistoryStore.Point point : history.since(tenant, OVERALL, clock.instant().minus(Duration.ofHours(1)), 10_000)) {
            points.add(new Trend.Point(point.at(), point.score()));
        }
        return Trend.of(points);
    }
}
