package io.homeostat.service.tasks;

import io.dropwizard.servlets.tasks.Task;
import io.homeostat.service.inbox.EngineInput.AutoRemediationSwitch;
import io.homeostat.service.inbox.Inbox;
import io.homeostat.service.model.Actor;
import io.homeostat.service.store.GateStateStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/pause-auto-remediation} and {@code /tasks/resume-auto-remediation} on the admin
 * port, with {@code by} and {@code reason} (required) and {@code tenant} (absent: the global switch):
 * the same switch as {@code POST /api/v1/auto-remediation}, stored, audited (as the admin port) and
 * handed to the rules, for the operator at the console in an incident.
 */
public final class AutoRemediationTask extends Task {
    private final boolean enabled;
    private final GateStateStore gateState;
    private final Inbox engine;
    private final Clock clock;

    private AutoRemediationTask(String name, boolean enabled, GateStateStore gateState, Inbox engine, Clock clock) {
        super(name);
        this.enabled = enabled;
        this.gateState = gateState;
        this.engine = engine;
        this.clock = clock;
    }

    public static AutoRemediationTask pause(GateStateStore gateState, Inbox engine, Clock clock) {
        return new AutoRemediationTask("pause-auto-remediation", false, gateState, engine, clock);
    }

    public static AutoRemediationTask resume(GateStateStore gateState, Inbox engine, Clock clock) {
        return new AutoRemediationTask("resume-auto-remediation", true, gateState, engine, clock);
    }

    @Override
    public void execute(Map<String, List<String>> parameters, PrintWriter output) {
        String by = Parameters.single(parameters, "by");
        String reason = Parameters.single(parameters, "reason");
        String tenant = parameters.containsKey("tenant") ? Parameters.single(parameters, "tenant") : AutoRemediationSwitch.GLOBAL;
        if (by == null || by.isBlank() || reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("parameters 'by' and 'reason' are required (who, and why: they are audited)");
        }
        if (tenant == null || tenant.isBlank() || tenant.length() > 128) {
            throw new IllegalArgumentException("parameter 'tenant' must be 1 to 128 characters, or absent for the global switch");
        }
        Instant now = clock.instant();
        GateStateStore.Switch value = new GateStateStore.Switch(tenant, enabled, by.strip(), reason.strip(), now);
        gateState.saveSwitch(value, new Actor(by.strip(), "admin-port", "POST /tasks/" + getName()));
        engine.submit(new AutoRemediationSwitch(tenant, enabled, value.changedBy(), value.reason(), now));
        output.println("automatic remediation " + (enabled ? "resumed" : "paused") + " for "
                + (tenant.equals(AutoRemediationSwitch.GLOBAL) ? "every tenant" : "tenant " + tenant) + " by " + value.changedBy());
    }
}
