package io.homeostat.service.health;

import com.codahale.metrics.health.HealthCheck;
import io.homeostat.service.execution.RemediationExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The executor: unhealthy when an attempt is stuck (still in flight past everything its timeout and
 * retries allow: a plugin that ignores its interrupt holds a supervisor), or when it has been saturated
 * for longer than {@code saturatedAfter} (every supervisor busy and resources waiting their turn, seen
 * at each check since: raise {@code execution.maxConcurrent}, or find what holds them).
 */
public final class ExecutorHealthCheck extends HealthCheck {
    private final Supplier<RemediationExecutor.Load> load;
    private final Duration saturatedAfter;
    private final Clock clock;
    private Instant saturatedSince;

    public ExecutorHealthCheck(Supplier<RemediationExecutor.Load> load, Duration saturatedAfter, Clock clock) {
        this.load = load;
        this.saturatedAfter = saturatedAfter;
        this.clock = clock;
    }

    @Override
    protected synchronized Result check() {
        Instant now = clock.instant();
        RemediationExecutor.Load current = load.get();
        List<RemediationExecutor.InFlight> stuck = current.inFlight().stream().filter(attempt -> now.isAfter(attempt.budgetEnds())).toList();
        if (!stuck.isEmpty()) {
            RemediationExecutor.InFlight first = stuck.get(0);
            return Result.unhealthy("stuck: %d attempt(s) past their budget, e.g. remediation %s (%s on %s) running for %d s",
                    stuck.size(), first.remediationId(), first.actionId(), first.resource(), Duration.between(first.started(), now).toSeconds());
        }
        if (!current.saturated()) {
            saturatedSince = null;
            return Result.healthy("%d of %d supervisors busy, %d resource(s) with work", current.running(), current.maxConcurrent(),
                    current.busyResources());
        }
        if (saturatedSince == null) {
            saturatedSince = now;
        }
        Duration saturated = Duration.between(saturatedSince, now);
        String state = String.format("saturated for %d s: all %d supervisors busy, %d resource(s) with work running or waiting", saturated.toSeconds(),
                current.maxConcurrent(), current.busyResources());
        return saturated.compareTo(saturatedAfter) >= 0 ? Result.unhealthy(state + " (execution.maxConcurrent)") : Result.healthy(state);
    }
}
