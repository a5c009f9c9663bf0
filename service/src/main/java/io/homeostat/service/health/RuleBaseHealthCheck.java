package io.homeostat.service.health;

import com.codahale.metrics.health.HealthCheck;
import io.homeostat.service.engine.Engine;
import io.homeostat.service.engine.EngineStatus;

/** Rule base loaded (version, rule count) and the engine thread alive and looping. */
public final class RuleBaseHealthCheck extends HealthCheck {
    private static final long STUCK_AFTER_MILLIS = 10_000;

    private final Engine engine;

    public RuleBaseHealthCheck(Engine engine) {
        this.engine = engine;
    }

    @Override
    protected Result check() {
        EngineStatus status = engine.status();
        ResultBuilder result = Result.builder()
                .withDetail("version", status.ruleVersion())
                .withDetail("rules", status.ruleCount())
                .withDetail("engineThreadAlive", status.threadAlive())
                .withDetail("millisSinceLastLoop", status.millisSinceLastLoop())
                .withDetail("signalsEvaluated", status.signalsEvaluated())
                .withDetail("ruleErrors", status.ruleErrors());
        if (!status.threadAlive()) {
            return result.unhealthy().withMessage("the engine thread is not running").build();
        }
        if (status.millisSinceLastLoop() > STUCK_AFTER_MILLIS) {
            return result.unhealthy().withMessage("the engine has not finished a loop for " + status.millisSinceLastLoop() + " ms").build();
        }
        return result.healthy().withMessage("rules " + status.ruleVersion().substring(0, 12) + " loaded, engine draining").build();
    }
}
