package io.homeostat.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.homeostat.service.healthscore.HealthScorer;
import io.homeostat.service.store.Store;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** {@code healthScore:} how often the health score is recorded (its history is kept for {@code retention.maxAge.healthHistory}). */
public class HealthScoreFactory {
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration interval = Duration.minutes(1);

    /** Scores predictions whose horizon passed, as often as the health score is recorded. */
    public io.homeostat.service.healthscore.PredictionScorer buildPredictionScorer(Store store, com.codahale.metrics.MetricRegistry metrics,
                                                                                 java.util.function.BooleanSupplier leads) {
        return new io.homeostat.service.healthscore.PredictionScorer(store.predictions(), interval.toJavaDuration(), Clock.systemUTC(), metrics,
                leads);
    }

    public HealthScorer build(Store store, Set<String> tenants, PrometheusRegistry prometheus, java.util.function.BooleanSupplier leads) {
        return new HealthScorer(store.issues(), store.healthHistory(), store.predictions(), tenants, interval.toJavaDuration(),
                Clock.systemUTC(), prometheus, leads);
    }
}
