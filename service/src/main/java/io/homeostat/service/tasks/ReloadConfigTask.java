package io.homeostat.service.tasks;

import io.dropwizard.servlets.tasks.Task;
import io.homeostat.service.config.ConfigReload;
import io.homeostat.service.model.Actor;
import io.homeostat.service.model.AuditEvent;
import io.homeostat.service.store.AuditStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/reload-config?by=NAME[&reason=WHY]} on the admin port: reads the configuration file
 * again, validates all of it, and applies what can change while the service runs (policy numbers,
 * tenants, windows, collector targets); other changes are named as needing a restart. A file that does
 * not validate is rejected with every problem and its path, and nothing changes. Audited
 * ({@code config.reload}) with what was applied and what waits for a restart.
 */
public final class ReloadConfigTask extends Task {
    private final ConfigReload reload;
    private final AuditStore audit;
    private final Clock clock;

    public ReloadConfigTask(ConfigReload reload, AuditStore audit, Clock clock) {
        super("reload-config");
        this.reload = reload;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public void execute(Map<String, List<String>> parameters, PrintWriter output) throws Exception {
        String by = first(parameters, "by");
        if (by == null || by.isBlank()) {
            throw new IllegalArgumentException("parameter 'by' is required (who reloads the configuration: it is audited)");
        }
        String reason = first(parameters, "reason");
        ConfigReload.Outcome outcome = reload.reload();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("file", reload.path());
        detail.put("applied", outcome.applied());
        detail.put("needRestart", outcome.needRestart());
        audit.append(AuditEvent.of(null, new Actor(by.strip(), "admin-port", "POST /tasks/reload-config"), "config.reload", null, reason, detail),
                clock.instant());
        if (outcome.applied().isEmpty() && outcome.needRestart().isEmpty()) {
            output.println("unchanged: " + reload.path() + " is what runs");
            return;
        }
        output.println("applied: " + (outcome.applied().isEmpty() ? "nothing" : String.join(", ", outcome.applied())));
        if (!outcome.needRestart().isEmpty()) {
            output.println("needs a restart (not applied): " + String.join(", ", outcome.needRestart()));
        }
    }

    private static String first(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
