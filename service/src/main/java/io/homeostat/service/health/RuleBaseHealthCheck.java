package io.homeostat.service.health;

import com.codahale.metrics.health.HealthCheck;
import io.homeostat.service.engine.Engine;
import io.homeostat.service.engine.EngineStatus;
import io.homeostat.service.rules.RuleSet;
import java.util.List;

/**
 * Rule base loaded (version, rule count), the engine thread alive and looping, and whether the
 * last rules edit was rejected. A rejected edit leaves the check healthy but DEGRADED (message and
 * {@code degraded} detail, and the {@code homeostat.rules.degraded} gauge): the last good rules
 * are serving, and a broken file must not take the service out of its load balancer.
 */
public final class RuleBaseHealthCheck extends HealthCheck {
    private static final long STUCK_AFTER_MILLIS = 10_000;

    private final Engine engine;
    private final RuleSet rules;

    public RuleBaseHealthCheck(Engine engine, RuleSet rules) {
        this.engine = engine;
        this.rules = rules;
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
        if (!status.disabledRules().isEmpty()) {
            return result.unhealthy().withDetail("disabledRules", List.copyOf(status.disabledRules()))
                    .withMessage("the watchdog halted a looping iteration and left out " + status.disabledRules()
                            + " until the rules are reloaded: fix the rule").build();
        }
        if (status.millisSinceLastLoop() > STUCK_AFTER_MILLIS) {
            return result.unhealthy().withMessage("the engine has not finished a loop for " + status.millisSinceLastLoop()
                    + " ms (stuck in a rule, or waiting for the database to store its outputs)").build();
        }
        RuleSet.Status live = rules.status();
        if (live != null && live.isDegraded()) {
            // Plain strings: the health servlet's mapper has no java.time support.
            return result.healthy().withDetail("degraded", true).withDetail("rejectedAt", live.rejected().at().toString())
                    .withDetail("rejectedProblems", live.rejected().problems().stream().map(Object::toString).toList())
                    .withMessage("DEGRADED: serving the last good rules " + status.ruleVersion().substring(0, 12)
                            + "; the edit of " + live.rejected().at() + " was rejected: " + live.rejected().problems().get(0)).build();
        }
        return result.healthy().withDetail("degraded", false)
                .withMessage("rules " + status.ruleVersion().substring(0, 12) + " loaded, engine evaluating").build();
    }
}
