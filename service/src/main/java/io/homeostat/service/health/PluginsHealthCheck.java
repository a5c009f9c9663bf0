package io.homeostat.service.health;

import com.codahale.metrics.health.HealthCheck;
import io.homeostat.service.plugins.PluginRegistry;
import io.homeostat.service.plugins.PluginStatus;

/**
 * Plugins loaded and started, the actions they provide, and every load failure with its reason:
 * unhealthy when no plugin runs, healthy but DEGRADED while a rejected jar sits in the directory.
 */
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
        if (status.started() == 0) {
            return result.unhealthy().withMessage("no plugin is started: no action can run" + (status.failures().isEmpty() ? ""
                    : "; " + status.failures())).build();
        }
        if (!status.failures().isEmpty()) {
            // As with a rejected rule edit: the plugins that loaded keep working, and a bad jar in the
            // directory must not take the service out of its load balancer.
            return result.healthy().withDetail("degraded", true)
                    .withMessage("DEGRADED: " + status.started() + " of " + status.loaded() + " plugins started; " + status.failures().size()
                            + " jar(s) rejected: " + status.failures()).build();
        }
        return result.healthy().withDetail("degraded", false).withMessage(status.started() + " of " + status.loaded() + " plugins started").build();
    }
}
