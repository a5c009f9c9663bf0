package io.homeostat.plugins.process;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.support.Commands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Restarting an allow-listed systemd unit: {@code systemctl restart UNIT} (the {@code systemctl} prefix is
 * configurable: {@code [systemctl, --user]}, {@code [sudo, -n, systemctl]}), then {@code systemctl is-active}
 * until the unit is active again (within {@code startTimeoutSeconds}), then the health URL where one is
 * configured. The unit comes from config only; systemctl runs with a clean environment and its own
 * words are quoted when it refuses.
 */
final class SystemdUnit {
    private SystemdUnit() {
    }

    static ActionResult restart(ProcessTarget target, ActionContext context, HealthProbe healthProbe) throws Exception {
        String unit = target.unit().orElseThrow();
        Map<String, String> details = new LinkedHashMap<>(Map.of("unit", unit));
        Optional<String> refused = Commands.run(command(target, "restart", unit), context.remaining());
        if (refused.isPresent()) {
            return ActionResult.failure("systemctl restart " + unit + " failed: " + refused.get(), details);
        }
        Instant until = earliest(Instant.now().plus(target.startTimeout()), context.deadline());
        boolean active = false;
        while (!active && Instant.now().isBefore(until)) {
            active = Commands.run(command(target, "is-active", "--quiet", unit), Duration.ofSeconds(10)).isEmpty();
            if (!active) {
                Thread.sleep(200);
            }
        }
        details.put("active", Boolean.toString(active));
        if (!active) {
            return ActionResult.failure(unit + " was restarted but is not active after " + target.startTimeout().toSeconds() + " s", details);
        }
        if (target.healthUrl().isPresent()) {
            int status = healthProbe.awaitHealthy(target.healthUrl().get(), until, () -> true);
            details.put("healthStatus", Integer.toString(status));
            if (status < 200 || status >= 300) {
                return ActionResult.failure(unit + " is active but " + target.healthUrl().get() + " did not answer 2xx in time", details);
            }
        }
        return ActionResult.success("restarted " + unit + "; it is active", details);
    }

    private static List<String> command(ProcessTarget target, String... arguments) {
        List<String> command = new ArrayList<>(target.systemctl());
        command.addAll(List.of(arguments));
        return command;
    }

    private static Instant earliest(Instant first, Instant second) {
        return first.isBefore(second) ? first : second;
    }
}
