package io.homeostat.service.health;

import com.codahale.metrics.health.HealthCheck;
import io.homeostat.service.collection.CollectorScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unhealthy when a target has not been collected (successfully or not) within twice its interval
 * plus its timeout: the collectors are stuck or starved, and what they watch is unobserved. A
 * target that is collected but fails (a probe that cannot connect) is the rules' business, not a
 * fault of the service: it is listed in the details with its problem.
 */
public final class CollectorsHealthCheck extends HealthCheck {
    private final CollectorScheduler collectors;
    private final Instant startedAt;
    private final Clock clock;

    public CollectorsHealthCheck(CollectorScheduler collectors, Clock clock) {
        this.collectors = collectors;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    @Override
    protected Result check() {
        Instant now = clock.instant();
        List<String> late = new ArrayList<>();
        Map<String, Object> failing = new LinkedHashMap<>();
        int count = 0;
        for (CollectorScheduler.TargetState state : collectors.states()) {
            count++;
            Duration allowed = state.target().interval().multipliedBy(2).plus(state.target().timeout()).plus(state.target().jitter());
            Instant last = state.lastRun() == null ? startedAt : state.lastRun();
            if (Duration.between(last, now).compareTo(allowed) > 0) {
                late.add(state.target().name() + (state.lastRun() == null ? " never ran" : " last ran at " + state.lastRun()));
            }
            if (state.lastProblem() != null) {
                failing.put(state.target().name(), state.lastProblem());
            }
        }
        ResultBuilder result = Result.builder().withDetail("targets", count).withDetail("failing", failing);
        if (!late.isEmpty()) {
            return result.unhealthy().withMessage(late.size() + " targets not collected within twice their interval: "
                    + String.join("; ", late)).build();
        }
        return result.healthy().withMessage(count + " targets collected on time" + (failing.isEmpty() ? "" : ", " + failing.size()
                + " of them failing (reported as collector.up 0)")).build();
    }
}
