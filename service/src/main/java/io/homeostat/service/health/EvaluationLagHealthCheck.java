package io.homeostat.service.health;

import com.codahale.metrics.health.HealthCheck;
import io.homeostat.service.intake.LagGate;
import java.time.Duration;
import java.util.Optional;

/** Unhealthy while evaluation lags beyond intake's bound, when intake answers 503: detections are late. */
public final class EvaluationLagHealthCheck extends HealthCheck {
    private final LagGate gate;

    public EvaluationLagHealthCheck(LagGate gate) {
        this.gate = gate;
    }

    @Override
    protected Result check() {
        Optional<Duration> over = gate.exceeded();
        Duration lag = over.orElseGet(gate::lag);
        ResultBuilder result = Result.builder().withDetail("lagMillis", lag.toMillis()).withDetail("boundMillis", gate.bound().toMillis());
        return over.isPresent()
                ? result.unhealthy().withMessage("evaluation is " + lag.toSeconds() + " s behind (bound " + gate.bound().toSeconds()
                        + " s): intake refuses signals").build()
                : result.healthy().withMessage("evaluation lag " + lag.toMillis() + " ms").build();
    }
}
