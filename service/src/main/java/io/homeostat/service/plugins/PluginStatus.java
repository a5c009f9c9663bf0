package io.homeostat.service.plugins;

import java.util.List;

/** What the plugin manager holds now: counts and every failure with its reason. */
public record PluginStatus(int loaded, int started, List<String> actions, List<String> failures) {
    public PluginStatus {
        actions = List.copyOf(actions);
        failures = List.copyOf(failures);
    }
}
