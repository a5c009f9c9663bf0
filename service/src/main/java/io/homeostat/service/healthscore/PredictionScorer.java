package io.homeostat.service.healthscore;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import io.homeostat.service.store.PredictionStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores each prediction once its horizon has passed ({@link PredictionStore#scoreDue}): came true,
 * prevented, or did not; and keeps {@code homeostat.predictions.accuracy.<kind>} up to date. Runs
 * with the health score's interval; a failed round (the database away) is logged and retried.
 */
public final class PredictionScorer implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionScorer.class);
    private final PredictionStore predictions;
    private final Duration interval;
    private final Clock clock;
    private final MetricRegistry metrics;
    private final Map<String, Double> accuracy = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "homeostat-prediction-scoring");
        thread.setDaemon(true);
        return thread;
    });

    private final java.util.function.BooleanSupplier leads;

    /** @param leads true while this replica leads: only the leader scores (docs/SCALE-OUT.md) */
    public PredictionScorer(PredictionStore predictions, Duration interval, Clock clock, MetricRegistry metrics,
                            java.util.function.BooleanSupplier leads) {
        this.leads = leads;
        this.predictions = predictions;
        this.interval = interval;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void start() {
        timer.scheduleWithFixedDelay(this::round, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        timer.shutdownNow();
    }

    void round() {
        if (!leads.getAsBoolean()) {
            return;
        }
        try {
            if (predictions.scoreDue(clock.instant()) == 0 && !accuracy.isEmpty()) {
                return;
            }
            for (PredictionStore.Accuracy kind : predictions.accuracy(null)) {
                if (kind.getAccuracy() != null && accuracy.put(kind.kind(), kind.getAccuracy()) == null) {
                    metrics.gauge("homeostat.predictions.accuracy." + kind.kind(), () -> () -> accuracy.get(kind.kind()));
                }
            }
        } catch (RuntimeException e) {
            metrics.counter("homeostat.predictions.failed_rounds").inc();
            LOG.warn("scoring predictions failed ({}); trying again in {}", e.getMessage(), interval);
        }
    }
}
