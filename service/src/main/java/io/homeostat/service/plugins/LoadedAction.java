package io.homeostat.service.plugins;

import io.homeostat.plugin.api.RemediationAction;

/** An action from a started plugin, with what is needed to call it in the plugin's own class loader. */
public record LoadedAction(RemediationAction action, String pluginId, String pluginVersion, ClassLoader classLoader) {
}
