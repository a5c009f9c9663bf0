package io.homeostat.service.health;

import com.codahale.metrics.health.HealthCheck;
import io.homeostat.service.engine.Engine;

/** Liveness: the engine thread runs. Only this is worth a restart; a stuck database is not fixed by one. */
public final class EngineThreadHealthCheck extends HealthCheck {
    private final Engine engine;

    public EngineThreadHealthCheck(Engine engine) {
        this.engine = engine;
    }

    @Override
    protected Result check() {
        return engine.status().threadAlive() ? Result.healthy("the engine thread runs") : Result.unhealthy("the engine thread is not running");
    }
}
