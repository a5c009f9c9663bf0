package io.homeostat.plugin.api.testing;

import io.homeostat.plugin.api.CollectorContext;
import io.homeostat.plugin.api.PluginSettings;
import java.time.Duration;
import java.time.Instant;

/** A hand-written {@link CollectorContext} for plugin unit tests: a target's resource and settings, and a deadline from now. */
public final class TestCollectorContext implements CollectorContext {
    private final String resource;
    private final PluginSettings settings;
    private final Duration timeout;

    public TestCollectorContext(String resource, PluginSettings settings, Duration timeout) {
        this.resource = resource;
        this.settings = settings;
        this.timeout = timeout;
    }

    @Override
    public String resource() {
        return resource;
    }

    @Override
    public PluginSettings settings() {
        return settings;
    }

    /** A fresh deadline for each collection, as the service gives one per run. */
    @Override
    public Instant deadline() {
        return Instant.now().plus(timeout);
    }
}
