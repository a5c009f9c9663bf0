package io.homeostat.plugin.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Everything an action gets to know about the call it is serving. The service builds it; plugins
 * never see engine, store or PF4J internals.
 */
public interface ActionContext {
    /** The remediation id; also the idempotency key of this attempt. */
    String remediationId();

    /** The resource to act on, as {@code kind:name}. */
    String resource();

    IssueReference issue();

    /** Parameters chosen by the rule that proposed the action (strings only: rules pick names, not commands). */
    Map<String, String> parameters();

    /**
     * This plugin's section of the service configuration ({@code plugins.settings.<pluginId>} in
     * config.yml). This is where anything that is executed or called (commands, URLs) comes from,
     * never from a signal.
     */
    PluginSettings settings();

    /** The moment by which the action must have returned; the service abandons it after that. */
    Instant deadline();

    /** Time left until {@link #deadline()}, never negative. */
    default Duration remaining() {
        Duration left = Duration.between(Instant.now(), deadline());
        return left.isNegative() ? Duration.ZERO : left;
    }

    ActionLogger logger();

    /**
     * False once this replica no longer holds the resource's lease (it was paused or cut off past the
     * lease, and another replica took the resource over; docs/SCALE-OUT.md). An action with several steps
     * that change the world asks before each such step and stops, changing nothing more, when it is
     * false. Asking costs a database round trip; a single-step action need not ask (the service asks
     * before calling it).
     *
     * @since 1.7.0
     */
    default boolean mayAct() {
        return true;
    }
}
