package io.homeostat.plugin.api;

import java.time.Duration;
import java.time.Instant;

/**
 * What a collector gets to know about one collection: the target's resource and settings and its
 * deadline.
 *
 * @since 1.6.0
 */
public interface CollectorContext {
    /** The target's resource, {@code kind:name}: readings without a resource of their own are of it. */
    String resource();

    /** The target's settings ({@code collectors[i].settings} in config.yml). */
    PluginSettings settings();

    /** The moment by which the collection must have returned; the service abandons it after that. */
    Instant deadline();

    /** Time left until {@link #deadline()}, never negative. */
    default Duration remaining() {
        Duration left = Duration.between(Instant.now(), deadline());
        return left.isNegative() ? Duration.ZERO : left;
    }
}
