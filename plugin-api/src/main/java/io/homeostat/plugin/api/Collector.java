package io.homeostat.plugin.api;

import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * A way to observe something, implemented by a plugin and discovered through PF4J like an action.
 * The service schedules each configured target ({@code collectors:} in config.yml: a collector id,
 * a resource, an interval, a timeout and the target's own settings), calls {@link #collect} off
 * the engine thread under the target's deadline, and hands the readings to the rules as signals
 * whose source is {@code collector:<id>}.
 *
 * <p>Implementations must be safe to call from several threads at once (for different targets).
 * Nothing a target observes is ever executed or used as a path: what to observe comes from the
 * target's settings, which an operator wrote.
 *
 * @since 1.6.0
 */
public interface Collector extends ExtensionPoint {
    /** Stable id targets refer to, {@code <plugin>.<what>}, for example {@code probe.http}. */
    String id();

    /** One line for operators: what it observes and which metrics it reports. */
    String description();

    /**
     * Checks one target's settings when the configuration loads; each problem names the setting
     * (use {@link PluginSettings#path()}). Any problem stops start-up.
     */
    default List<String> validate(PluginSettings target) {
        return List.of();
    }

    /**
     * Observes the target once. Readings without a resource are of the target's resource. Throwing
     * (or missing the deadline) is a failed collection: the service then reports {@link #failed}'s
     * readings and {@code collector.up} 0, so that a target that cannot be observed is never a
     * silent gap.
     */
    List<Reading> collect(CollectorContext context) throws Exception;

    /**
     * What a failed collection means in this collector's own metrics, for example
     * {@code probe.success} 0 for a probe that could not connect. Empty by default: then only
     * {@code collector.up} 0 says so.
     */
    default List<Reading> failed(CollectorContext context, String cause) {
        return List.of();
    }
}
