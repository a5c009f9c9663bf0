package io.homeostat.service.plugins;

import java.nio.file.Path;
import java.util.List;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One started plugin jar: its own PF4J manager and class loader, and what it offers. */
record LoadedPlugin(Path jar, String fingerprint, PluginManager manager, PluginWrapper plugin, List<LoadedAction> actions,
                    List<LoadedCollector> collectors) {
    private static final Logger LOG = LoggerFactory.getLogger(LoadedPlugin.class);

    String id() {
        return plugin.getPluginId();
    }

    /** No action or collection of it is running: it may be unloaded. */
    boolean idle() {
        return actions.stream().allMatch(action -> action.inFlight().get() == 0)
                && collectors.stream().allMatch(collector -> collector.inFlight().get() == 0);
    }

    void unload() {
        unload(manager, id());
    }

    /** Stops and unloads a plugin of a manager; failures are logged, never thrown (the jar is being let go). */
    static void unload(PluginManager manager, String pluginId) {
        try {
            if (manager.getPlugin(pluginId) != null && manager.getPlugin(pluginId).getPluginState() == PluginState.STARTED) {
                manager.stopPlugin(pluginId);
            }
        } catch (RuntimeException e) {
            LOG.warn("plugin {} did not stop cleanly", pluginId, e);
        }
        try {
            manager.unloadPlugin(pluginId);
        } catch (RuntimeException e) {
            LOG.warn("plugin {} did not unload cleanly", pluginId, e);
        }
    }
}
