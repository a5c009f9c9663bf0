package io.homeostat.service.plugins;

import io.homeostat.plugin.api.RemediationAction;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An action from a started plugin, with what is needed to call it in the plugin's own class
 * loader. {@link #enter}/{@link #exit} count calls in flight, so that a replaced or removed jar is
 * unloaded only once its running actions have finished on it.
 */
public record LoadedAction(RemediationAction action, String pluginId, String pluginVersion, ClassLoader classLoader,
                           AtomicInteger inFlight) {
    public LoadedAction(RemediationAction action, String pluginId, String pluginVersion, ClassLoader classLoader) {
        this(action, pluginId, pluginVersion, classLoader, new AtomicInteger());
    }

    public void enter() {
        inFlight.incrementAndGet();
    }

    public void exit() {
        inFlight.decrementAndGet();
    }
}
