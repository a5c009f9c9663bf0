package io.homeostat.service.plugins;

import java.util.List;
import java.util.Set;

/** One plugin as the API shows it: what it is, whether it runs, and its actions with their metadata. */
public record PluginInfo(String id, String version, String jar, String state, boolean enabled, List<Action> actions,
                         List<CollectorInfo> collectors) {
    /** A collector it provides. */
    public record CollectorInfo(String id, String description) {
    }

    /** An action's declared metadata. */
    public record Action(String id, String description, String risk, double cost, boolean reversible, Set<String> issueTypes,
                         double priorSuccessRate) {
    }
}
