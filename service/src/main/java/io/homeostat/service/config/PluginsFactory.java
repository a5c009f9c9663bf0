package io.homeostat.service.config;

import io.homeostat.service.plugins.PluginRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.homeostat.plugin.api.PluginSettings;
import jakarta.validation.constraints.NotEmpty;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code plugins:} where plugin jars are and each plugin's settings. */
public class PluginsFactory {
    private static final Logger LOG = LoggerFactory.getLogger(PluginsFactory.class);

    @NotEmpty
    @JsonProperty
    private String directory = "target/plugins";

    /**
     * Refuse to start when a plugin jar fails to load. Off by default: the service starts without
     * that jar, its plugins check DEGRADED and the rejection logged, so that a restart during an
     * incident does not become an outage because of one bad jar.
     */
    @JsonProperty
    private boolean failOnError = false;

    /** Settings per plugin id, handed to that plugin's actions (commands, endpoints, ...). */
    @JsonProperty
    private Map<String, Map<String, Object>> settings = new LinkedHashMap<>();

    /** Watch the plugins directory: load a dropped jar, reload a replaced one, unload a removed one, without a restart. */
    @JsonProperty
    private boolean watch = true;

    /** How long the directory must be quiet after a change (a copy in progress) before it is rescanned. */
    @io.dropwizard.validation.MinDuration(value = 10, unit = java.util.concurrent.TimeUnit.MILLISECONDS)
    @JsonProperty
    private io.dropwizard.util.Duration reloadDebounce = io.dropwizard.util.Duration.seconds(1);

    public boolean isWatch() {
        return watch;
    }

    @com.fasterxml.jackson.annotation.JsonIgnore // a view of the configured value, not a property
    public java.time.Duration getReloadDebounce() {
        return reloadDebounce.toJavaDuration();
    }

    public String getDirectory() {
        return directory;
    }

    public void setDirectory(String directory) {
        this.directory = directory;
    }

    public boolean isFailOnError() {
        return failOnError;
    }

    public Map<String, Map<String, Object>> getSettings() {
        return settings;
    }

    public PluginSettings settingsFor(String pluginId) {
        Map<String, Object> values = settings.get(pluginId);
        return values == null ? PluginSettings.empty("plugins.settings." + pluginId)
                : new PluginSettings("plugins.settings." + pluginId, values);
    }

    /**
     * The plugin registry with every jar in {@code directory} loaded, but for the plugins switched off
     * ({@code disabled}). A jar that fails to load stops start-up with {@code failOnError}, or is left
     * out, loud (logged, and the plugins health check degraded).
     */
    public PluginRegistry build(java.util.Set<String> disabled) {
        PluginRegistry plugins = new PluginRegistry(java.nio.file.Path.of(directory), this::settingsFor);
        plugins.setDisabled(disabled);
        java.util.List<String> problems = plugins.load();
        if (!problems.isEmpty() && failOnError) {
            plugins.stop();
            throw new IllegalStateException("plugins failed to load (set plugins.failOnError: false to start anyway):\n  "
                    + String.join("\n  ", problems));
        } else if (!problems.isEmpty()) {
            LOG.error("DEGRADED: starting without {} plugin jar(s) that failed to load (set plugins.failOnError: true to refuse to start):\n  {}",
                    problems.size(), String.join("\n  ", problems));
        }
        return plugins;
    }
}
