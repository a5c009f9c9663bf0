package io.homeostat.service.alertmanager;

import io.dropwizard.lifecycle.Managed;
import io.homeostat.service.store.AlertStore;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the stored alerts bounded: every hour, resolved alerts older than the duplicate window go,
 * and so do firing ones no notification has mentioned for a week (the engine forgets them then too).
 */
public final class AlertRetention implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(AlertRetention.class);
    static final Duration SILENT_FIRING = Duration.ofDays(7);

    private final AlertStore alerts;
    private final Duration window;
    private ScheduledExecutorService timer;

    public AlertRetention(AlertStore alerts, Duration window) {
        this.alerts = alerts;
        this.window = window;
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "homeostat-alert-retention");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::forget, 1, 60, TimeUnit.MINUTES);
    }

    void forget() {
        try {
            Instant now = Instant.now();
            int gone = alerts.forget(now.minus(window), now.minus(SILENT_FIRING));
            if (gone > 0) {
                LOG.info("forgot {} stored alerts older than their retention", gone);
            }
        } catch (RuntimeException e) {
            // The next round tries again; the table only grows meanwhile.
            LOG.warn("could not forget old alerts: {}", e.toString());
        }
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
