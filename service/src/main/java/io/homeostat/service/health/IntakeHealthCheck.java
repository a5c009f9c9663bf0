package io.homeostat.service.health;

import com.codahale.metrics.health.HealthCheck;
import io.homeostat.service.engine.SignalQueue;

/** Intake queue depth against capacity: unhealthy from 90% full, when 429s are near. */
public final class IntakeHealthCheck extends HealthCheck {
    private final SignalQueue queue;

    public IntakeHealthCheck(SignalQueue queue) {
        this.queue = queue;
    }

    @Override
    protected Result check() {
        int depth = queue.depth();
        int capacity = queue.capacity();
        ResultBuilder result = Result.builder().withDetail("depth", depth).withDetail("capacity", capacity);
        String message = depth + " of " + capacity + " signals waiting";
        return depth * 10L >= capacity * 9L ? result.unhealthy().withMessage(message).build() : result.healthy().withMessage(message).build();
    }
}
