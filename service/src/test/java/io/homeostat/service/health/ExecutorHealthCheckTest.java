package io.homeostat.service.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.service.execution.RemediationExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The executor's health from its load: saturated only after the grace, stuck at once, healthy again when it drains. */
class ExecutorHealthCheckTest {
    private static final Instant T0 = Instant.parse("2026-12-02T00:00:00Z");

    private static final class Ticking extends Clock {
        private Instant now = T0;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void saturationIsUnhealthyOnlyOnceItLastedAndAStuckAttemptAtOnce() {
        Ticking clock = new Ticking();
        AtomicReference<RemediationExecutor.Load> load = new AtomicReference<>(new RemediationExecutor.Load(2, 2, 5, List.of()));
        ExecutorHealthCheck check = new ExecutorHealthCheck(load::get, Duration.ofSeconds(60), clock);

        assertThat(check.execute().isHealthy()).as("saturated just now").isTrue();
        clock.now = T0.plusSeconds(61);
        assertThat(check.execute().isHealthy()).isFalse();
        assertThat(check.execute().getMessage()).contains("saturated for 61 s: all 2 supervisors busy, 5 resource(s)");

        load.set(new RemediationExecutor.Load(1, 2, 1, List.of()));
        assertThat(check.execute().isHealthy()).as("drained").isTrue();
        load.set(new RemediationExecutor.Load(2, 2, 5, List.of()));
        assertThat(check.execute().isHealthy()).as("saturated again: the clock starts again").isTrue();

        load.set(new RemediationExecutor.Load(1, 2, 1, List.of(new RemediationExecutor.InFlight("rem-1", "process.restart", "service:a", "service_down",
                T0, T0.plusSeconds(30)))));
        assertThat(check.execute().isHealthy()).isFalse();
        assertThat(check.execute().getMessage()).contains("stuck: 1 attempt(s) past their budget, e.g. remediation rem-1 (process.restart on service:a) running for 61 s");
    }
}
