package io.homeostat.service.health;

import com.codahale.metrics.health.HealthCheck;
import io.homeostat.service.plugins.PluginRegistry;
import io.homeostat.service.plugins.PluginStatus;

/** Plugins loaded and started, the actions they provide, and every load failure with its reason. */
public final class PluginsHealthCheck extends HealthCheck {
    private final PluginRegistry plugins;

    public PluginsHealthCheck(PluginRegistry plugins) {
        this.plugins = plugins;
    }

    @Override
    protected Result check() {
        PluginStatus status = plugins.status();
        ResultBuilder result = Result.builder()
                .withDetail("loaded", status.loaded())
                .withDetail("started", status.started())
                .withDetail("actions", status.actions())
                .withDetail("failures", status.failures());
        if (!status.failures().isEmpty()) {
            return result.unhealthy().withMessage(status.failures().size() + " plugin problem(s): " + status.failures()).build();
        }
        if (status.started() == 0) {
            return result.unhealthy().withMessage("no plugin is started: no action can run").build();
        }
        return result.healthy().withMessage(status.started() + " of " + status.loaded() + " plugins started").build();
    }
}
