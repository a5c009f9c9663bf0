package io.homeostat.service.health;

import com.codahale.metrics.health.HealthCheck;
import io.homeostat.service.outbox.Outbox;
import java.time.Duration;

/**
 * Unhealthy while the engine's outputs have waited for the database longer than the bound (issues
 * and decisions are detected but not yet recorded, and their actions wait), while the outbox
 * cannot be written to disk (a crash now would lose them), or when its writer has died.
 */
public final class OutboxHealthCheck extends HealthCheck {
    private final Outbox outbox;
    private final Duration bound;

    public OutboxHealthCheck(Outbox outbox, Duration bound) {
        this.outbox = outbox;
        this.bound = bound;
    }

    @Override
    protected Result check() {
        Duration oldest = outbox.oldestAge();
        ResultBuilder result = Result.builder().withDetail("depth", outbox.depth()).withDetail("bytes", outbox.pendingBytes())
                .withDetail("maxBytes", outbox.maxBytes()).withDetail("oldestMillis", oldest.toMillis());
        String problem = outbox.journalProblem();
        if (!outbox.writerAlive()) {
            return result.unhealthy().withMessage("the outbox writer is not running: engine outputs are not being recorded").build();
        }
        if (problem != null) {
            return result.unhealthy().withMessage("the outbox cannot be written to disk (" + problem
                    + "): outputs are held in memory only until the database takes them").build();
        }
        if (oldest.compareTo(bound) > 0) {
            return result.unhealthy().withMessage(outbox.depth() + " engine outputs have waited " + oldest.toSeconds()
                    + " s for the database (bound " + bound.toSeconds() + " s): detections are not yet recorded and their actions wait")
                    .build();
        }
        return result.healthy().withMessage(outbox.depth() + " engine outputs waiting for the database").build();
    }
}
