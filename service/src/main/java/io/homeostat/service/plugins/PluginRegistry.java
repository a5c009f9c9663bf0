package io.homeostat.service.plugins;

import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.PluginApi;
import io.homeostat.plugin.api.RemediationAction;
import io.homeostat.service.engine.facts.AvailableAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads plugin jars from a directory with PF4J and indexes their {@link RemediationAction}s by id.
 * Each plugin has its own class loader; only the plugin API (and pf4j) are shared with the service.
 * A plugin must declare a {@code Plugin-Requires} range that contains {@link PluginApi#VERSION}.
 */
public final class PluginRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

    private final Path directory;
    private PluginManager manager;
    private volatile Map<String, LoadedAction> actions = Map.of();
    private volatile List<String> failures = List.of();

    public PluginRegistry(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** Loads and starts every plugin in the directory; returns the problems found (empty when all is well). */
    public synchronized List<String> load() {
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            problems.add("plugins directory " + directory.toAbsolutePath() + " does not exist (build the plugins with ./mvnw package)");
            failures = List.copyOf(problems);
            return problems;
        }
        Map<Path, String> loadFailures = new LinkedHashMap<>();
        manager = new DefaultPluginManager(directory) {
            // PF4J logs a jar that fails to load and moves on; keep the reason so that it is reported.
            @Override
            protected PluginWrapper loadPluginFromPath(Path pluginPath) {
                try {
                    return super.loadPluginFromPath(pluginPath);
                } catch (RuntimeException e) {
                    loadFailures.put(pluginPath, rootMessage(e));
                    throw e;
                }
            }
        };
        manager.setSystemVersion(PluginApi.VERSION);
        manager.loadPlugins();
        manager.startPlugins();

        loadFailures.forEach((path, reason) -> problems.add(path.getFileName() + ": cannot be loaded: " + reason));
        Map<String, LoadedAction> index = new LinkedHashMap<>();
        // Plugin-id order, so that when two plugins claim one action id the same one wins on every start.
        List<PluginWrapper> ordered = new ArrayList<>(manager.getPlugins());
        ordered.sort(java.util.Comparator.comparing(PluginWrapper::getPluginId));
        for (PluginWrapper plugin : ordered) {
            String pluginId = plugin.getPluginId();
            if (plugin.getPluginState() != PluginState.STARTED) {
                problems.add(pluginId + " (" + plugin.getPluginPath().getFileName() + "): not started, state "
                        + plugin.getPluginState() + describe(plugin.getFailedException()));
                continue;
            }
            List<RemediationAction> extensions = manager.getExtensions(RemediationAction.class, pluginId);
            if (extensions.isEmpty()) {
                problems.add(pluginId + " (" + plugin.getPluginPath().getFileName() + "): provides no RemediationAction extension");
                continue;
            }
            for (RemediationAction action : extensions) {
                String actionId = action.id();
                LoadedAction existing = index.get(actionId);
                if (existing != null) {
                    problems.add(pluginId + ": action " + actionId + " is already provided by plugin " + existing.pluginId() + "; ignored");
                    continue;
                }
                index.put(actionId, new LoadedAction(action, pluginId, plugin.getDescriptor().getVersion(), plugin.getPluginClassLoader()));
            }
        }
        actions = Map.copyOf(index);
        failures = List.copyOf(problems);
        LOG.info("plugins: {} loaded from {}, actions {}", manager.getPlugins().size(), directory.toAbsolutePath(), index.keySet());
        problems.forEach(problem -> LOG.error("plugin problem: {}", problem));
        return problems;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = failure.getMessage();
        return root == failure || root.getMessage() == null ? message : message + " (" + root.getMessage() + ")";
    }

    private static String describe(Throwable failure) {
        return failure == null ? "" : ": " + failure.getMessage();
    }

    public Optional<LoadedAction> action(String id) {
        return Optional.ofNullable(actions.get(id));
    }

    /** The actions as facts for the rule session. */
    public List<AvailableAction> availableActions() {
        List<AvailableAction> out = new ArrayList<>();
        for (LoadedAction loaded : actions.values()) {
            ActionMetadata metadata = loaded.action().metadata();
            out.add(new AvailableAction(loaded.action().id(), loaded.pluginId(), metadata.risk().name(), metadata.cost(),
                    metadata.reversible(), metadata.issueTypes(), metadata.priorSuccessRate()));
        }
        return out;
    }

    public synchronized PluginStatus status() {
        if (manager == null) {
            return new PluginStatus(0, 0, List.of(), failures);
        }
        return new PluginStatus(manager.getPlugins().size(), manager.getStartedPlugins().size(),
                List.copyOf(actions.keySet()), failures);
    }

    /**
     * Stops and unloads every plugin. Stops each one from a copy of the started list: PF4J's own
     * stopPlugins() modifies the list it iterates (pf4j#656).
     */
    public synchronized void stop() {
        if (manager == null) {
            return;
        }
        for (PluginWrapper plugin : List.copyOf(manager.getStartedPlugins())) {
            try {
                manager.stopPlugin(plugin.getPluginId());
            } catch (RuntimeException e) {
                LOG.warn("plugin {} did not stop cleanly", plugin.getPluginId(), e);
            }
        }
        for (PluginWrapper plugin : List.copyOf(manager.getPlugins())) {
            try {
                manager.unloadPlugin(plugin.getPluginId());
            } catch (RuntimeException e) {
                LOG.warn("plugin {} did not unload cleanly", plugin.getPluginId(), e);
            }
        }
        actions = Map.of();
        manager = null;
    }
}
