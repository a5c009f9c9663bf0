package io.homeostat.service.collection;

import io.homeostat.plugin.api.PluginSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One configured target ({@code collectors.targets[index]}): which collector observes which
 * resource of which tenant, how often, under what deadline, with which labels and settings.
 *
 * @param jitter the first collection starts at a random moment within it, so that targets do not all run at once
 */
public record CollectionTarget(int index, String collectorId, String tenant, String resource, Duration interval, Duration timeout,
                               Duration jitter, Map<String, String> labels, PluginSettings settings) {
    public CollectionTarget {
        Objects.requireNonNull(collectorId, "collectorId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(jitter, "jitter");
        labels = Map.copyOf(labels);
        Objects.requireNonNull(settings, "settings");
    }

    /** How operators find it in config.yml and in logs. */
    public String name() {
        return "collectors.targets[" + index + "] (" + collectorId + " on " + resource + ")";
    }
}
