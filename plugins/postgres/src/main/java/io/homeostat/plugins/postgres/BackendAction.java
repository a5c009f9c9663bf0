package io.homeostat.plugins.postgres;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.RemediationAction;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shape every postgres action shares: find the backends that match (older than the rule's
 * {@code olderThanSeconds}), leave alone those the target's limits protect, cancel them and wait,
 * then terminate those still there and wait, and report each step's pids. Signals go only to a
 * backend still doing the work that was looked at. Nothing of it can be undone: irreversible.
 *
 * <p>The four actions declare the same prior P(success), 0.8: the rules list them least harmful first
 * (cancel before terminate, the idle transaction before the chain's head), and with equal priors that
 * order holds until the service's own record of what worked says otherwise.
 */
abstract class BackendAction implements RemediationAction {
    private final String id;
    private final ActionMetadata metadata;
    private final String condition;
    private final int defaultSeconds;
    private final boolean cancel;
    private final boolean terminate;
    private final String what;

    BackendAction(String id, ActionMetadata metadata, String what, String condition, int defaultSeconds, boolean cancel, boolean terminate) {
        this.id = id;
        this.metadata = metadata;
        this.what = what;
        this.condition = condition;
        this.defaultSeconds = defaultSeconds;
        this.cancel = cancel;
        this.terminate = terminate;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ActionMetadata metadata() {
        return metadata;
    }

    @Override
    public List<String> validate(PluginSettings settings) {
        return PostgresTarget.validate(settings);
    }

    @Override
    public ActionResult execute(ActionContext context) throws Exception {
        Optional<PostgresTarget> found = PostgresTarget.of(context);
        if (found.isEmpty()) {
            return ActionResult.notApplicable("resource " + context.resource() + " is not under " + context.settings().path()
                    + ".resources; nothing was signalled", Map.of());
        }
        PostgresTarget target = found.get();
        int seconds;
        try {
            seconds = seconds(context.parameters().get("olderThanSeconds"));
        } catch (IllegalArgumentException e) {
            return ActionResult.failure(e.getMessage(), Map.of());
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("olderThanSeconds", Integer.toString(seconds));
        try (Connection connection = target.connect(context.remaining())) {
            List<Backend> matching = Backends.find(connection, target, condition, seconds);
            List<Backend> targets = new ArrayList<>();
            List<String> reasons = new ArrayList<>();
            for (Backend backend : matching) {
                String reason = Backends.protectedBecause(target, backend);
                if (reason == null) {
                    targets.add(backend);
                } else {
                    reasons.add(reason);
                }
            }
            details.put("found", pids(targets));
            details.put("leftAlone", Backends.count(reasons).toString());
            if (targets.isEmpty()) {
                String message = "no " + what + " older than " + seconds + " s to signal"
                        + (reasons.isEmpty() ? "" : "; left alone: " + Backends.count(reasons));
                return reasons.isEmpty() ? ActionResult.success(message, details) : ActionResult.failure(message, details);
            }
            List<Backend> left = targets;
            if (cancel) {
                for (Backend backend : left) {
                    Backends.signal(connection, backend, "pg_cancel_backend");
                }
                details.put("cancelled", pids(left));
                left = Backends.awaitGone(connection, left, condition, seconds, target.grace(), context);
            }
            if (terminate && !left.isEmpty()) {
                for (Backend backend : left) {
                    Backends.signal(connection, backend, "pg_terminate_backend");
                }
                details.put("terminated", pids(left));
                left = Backends.awaitGone(connection, left, condition, seconds, target.grace(), context);
            }
            details.put("stillRunning", pids(left));
            String done = targets.size() + " " + what + "(s) older than " + seconds + " s: " + String.join(", ",
                    targets.stream().map(Backend::describe).toList()) + (details.containsKey("terminated") ? "; terminated " + details.get("terminated")
                    : cancel ? "; cancelled" : "");
            if (!left.isEmpty()) {
                return ActionResult.failure(done + "; still there after " + target.grace().toSeconds() + " s: " + pids(left), details);
            }
            if (!reasons.isEmpty()) {
                done += "; left alone: " + Backends.count(reasons);
            }
            return ActionResult.success(done, details);
        } catch (SQLException e) {
            // A server that is down or refuses the role: retrying soon may work.
            return ActionResult.transientFailure("PostgreSQL of " + context.resource() + ": " + e.getMessage(), details);
        }
    }

    /** Signalling is idempotent by its nature here: a restarted attempt signals what still matches, which is what is left to do. */
    @Override
    public Optional<ActionResult> reconcile(ActionContext context, Instant startedAt) throws Exception {
        return Optional.of(execute(context));
    }

    private int seconds(String parameter) {
        if (parameter == null) {
            return defaultSeconds;
        }
        try {
            int value = Integer.parseInt(parameter.trim());
            if (value >= 1 && value <= 86_400 * 7) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("parameter olderThanSeconds must be a whole number of seconds from 1 to 604800, was '"
                + parameter + "'");
    }

    private static String pids(List<Backend> backends) {
        return String.join(",", backends.stream().map(backend -> Long.toString(backend.pid())).toList());
    }
}
