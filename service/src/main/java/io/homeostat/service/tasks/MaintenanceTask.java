package io.homeostat.service.tasks;

import io.dropwizard.servlets.tasks.Task;
import io.homeostat.service.inbox.EngineInput.MaintenanceSwitch;
import io.homeostat.service.inbox.Inbox;
import io.homeostat.service.model.Actor;
import io.homeostat.service.store.GateStateStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /tasks/maintenance?on=true|false&by=NAME&reason=WHY[&label=KEY=VALUE][&for=2h]} on the admin
 * port: maintenance switched on, globally or for the resources with a label, for {@code for} (1h by
 * default, at most 7 days: a maintenance mode forgotten on must end by itself), or off. Stored and
 * audited, kept across restarts until it ends, and held by the rules as a maintenance window named
 * {@code operator:global} or {@code operator:label:KEY=VALUE}: the window gate blocks automatic actions
 * there, and every blocked decision says which window and until when.
 */
public final class MaintenanceTask extends Task {
    private static final Pattern LABEL = Pattern.compile("([A-Za-z_][A-Za-z0-9_.-]{0,127})=(.{1,256})");
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})(s|m|h|d)");
    private static final Duration MOST = Duration.ofDays(7);

    private final GateStateStore gateState;
    private final Inbox engine;
    private final Clock clock;

    public MaintenanceTask(GateStateStore gateState, Inbox engine, Clock clock) {
        super("maintenance");
        this.gateState = gateState;
        this.engine = engine;
        this.clock = clock;
    }

    @Override
    public void execute(Map<String, List<String>> parameters, PrintWriter output) {
        String on = Parameters.single(parameters, "on");
        String by = Parameters.single(parameters, "by");
        String reason = Parameters.single(parameters, "reason");
        if (!"true".equals(on) && !"false".equals(on)) {
            throw new IllegalArgumentException("parameter 'on' must be true or false, was " + (on == null ? "missing" : "'" + on + "'"));
        }
        if (by == null || by.isBlank() || reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("parameters 'by' and 'reason' are required (who, and why: they are audited)");
        }
        String label = Parameters.single(parameters, "label");
        String labelKey = null;
        String labelValue = null;
        if (label != null) {
            Matcher matcher = LABEL.matcher(label);
            if (!matcher.matches()) {
                throw new IllegalArgumentException("parameter 'label' must be KEY=VALUE (e.g. service=checkout), was '" + label + "'");
            }
            labelKey = matcher.group(1);
            labelValue = matcher.group(2);
        }
        String scope = label == null ? "global" : "label:" + labelKey + "=" + labelValue;
        Instant now = clock.instant();
        Actor actor = new Actor(by.strip(), "admin-port", "POST /tasks/maintenance");
        if (on.equals("false")) {
            boolean ended = gateState.endMaintenance(scope, actor, reason.strip(), now);
            engine.submit(new MaintenanceSwitch(scope, false, labelKey, labelValue, null, by.strip(), reason.strip(), now));
            output.println(ended ? "maintenance " + scope + " ended by " + by.strip() : "no maintenance " + scope + " was on");
            return;
        }
        Duration length = duration(Parameters.single(parameters, "for"));
        Instant until = now.plus(length);
        gateState.saveMaintenance(new GateStateStore.Maintenance(scope, labelKey, labelValue, until, by.strip(), reason.strip(), now), actor);
        engine.submit(new MaintenanceSwitch(scope, true, labelKey, labelValue, until, by.strip(), reason.strip(), now));
        output.println("maintenance " + scope + " on until " + until + " (automatic actions " + (label == null ? "everywhere" : "on resources with "
                + label) + " are blocked by the window gate) by " + by.strip());
    }

    private static Duration duration(String text) {
        if (text == null) {
            return Duration.ofHours(1);
        }
        Matcher matcher = DURATION.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("parameter 'for' must be a duration such as 30m, 2h or 1d, was '" + text + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        Duration length = switch (matcher.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (length.isZero() || length.compareTo(MOST) > 0) {
            throw new IllegalArgumentException("parameter 'for' must be more than 0 and at most 7d, was '" + text + "'");
        }
        return length;
    }
}
