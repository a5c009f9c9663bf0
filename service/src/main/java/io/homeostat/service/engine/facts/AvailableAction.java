package io.homeostat.service.engine.facts;

import java.util.Set;

/**
 * An action a loaded plugin provides, with its declared metadata. The engine keeps one per action
 * in the session so that gates can check that a proposed action exists and read its risk and cost.
 */
public record AvailableAction(String id, String pluginId, String risk, double cost, boolean reversible,
                              Set<String> issueTypes, double priorSuccessRate) {
    public String getId() {
        return id;
    }

    public String getPluginId() {
        return pluginId;
    }

    public String getRisk() {
        return risk;
    }

    public double getCost() {
        return cost;
    }

    public boolean isReversible() {
        return reversible;
    }

    public boolean handles(String issueType) {
        return issueTypes.isEmpty() || issueTypes.contains(issueType);
    }
}
