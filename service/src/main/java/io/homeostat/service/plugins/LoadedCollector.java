package io.homeostat.service.plugins;

import io.homeostat.plugin.api.Collector;
import java.util.concurrent.atomic.AtomicInteger;

/** A collector of a loaded plugin, with its class loader and the collections it is running now (a jar is retired once idle). */
public record LoadedCollector(Collector collector, String pluginId, String pluginVersion, ClassLoader classLoader, AtomicInteger inFlight) {
    public LoadedCollector(Collector collector, String pluginId, String pluginVersion, ClassLoader classLoader) {
        this(collector, pluginId, pluginVersion, classLoader, new AtomicInteger());
    }

    public void enter() {
        inFlight.incrementAndGet();
    }

    public void exit() {
        inFlight.decrementAndGet();
    }
}
