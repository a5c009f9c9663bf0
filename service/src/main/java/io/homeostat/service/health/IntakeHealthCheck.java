package io.homeostat.service.health;

import com.codahale.metrics.health.HealthCheck;
import io.homeostat.service.inbox.SignalQueue;
import io.homeostat.service.intake.LiveSignalGate;

/**
 * Intake queue depth against capacity (unhealthy from 90% full, when 429s are near) and the heap
 * the engine's signals take against their budget (unhealthy at it: intake answers 503).
 */
public final class IntakeHealthCheck extends HealthCheck {
    private final SignalQueue queue;
    private final LiveSignalGate live;

    public IntakeHealthCheck(SignalQueue queue, LiveSignalGate live) {
        this.queue = queue;
        this.live = live;
    }

    @Override
    protected Result check() {
        int depth = queue.depth();
        int capacity = queue.capacity();
        ResultBuilder result = Result.builder().withDetail("depth", depth).withDetail("capacity", capacity)
                .withDetail("liveSignals", live.signals()).withDetail("liveResources", live.resources())
                .withDetail("liveBytes", live.heldBytes()).withDetail("liveBudgetBytes", live.budgetBytes());
        if (live.atBudget()) {
            return result.unhealthy().withMessage(live.describe() + ": intake refuses signals until they expire").build();
        }
        String message = depth + " of " + capacity + " signals waiting";
        return depth * 10L >= capacity * 9L ? result.unhealthy().withMessage(message).build() : result.healthy().withMessage(message).build();
    }
}
