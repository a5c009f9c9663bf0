package io.homeostat.service.plugins;

import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.service.engine.facts.AvailableAction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.pf4j.PluginState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live index of a plugin directory: which jar is loaded as which plugin, which were rejected and
 * why, and the actions and collectors on offer by id. {@link #rescan} brings it in line with the
 * directory without a restart: a new jar is loaded ({@link PluginJarLoader}, each in its own PF4J manager
 * and bounded class loader), a removed one withdrawn, a changed one reloaded; a jar that fails is
 * rejected with its reason and changes nothing else. A replaced or removed plugin is unloaded only when
 * none of its actions or collections is running: running ones finish on the old version.
 */
public final class PluginRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

    private final Path directory;
    private final Map<Path, LoadedPlugin> loaded = new LinkedHashMap<>();
    /** Jars rejected as they are now: not tried again until they change. */
    private record RejectedJar(String fingerprint, String reason) {
    }

    private final Map<Path, RejectedJar> rejected = new LinkedHashMap<>();
    private final List<LoadedPlugin> retiring = new ArrayList<>();
    private final Set<String> disabled = new HashSet<>();
    private volatile Map<String, LoadedAction> actions = Map.of();
    private volatile Map<String, LoadedCollector> collectors = Map.of();
    private volatile List<String> failures = List.of();
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final PluginJarLoader jars;

    /** A registry whose plugins are checked against no settings (tests, tools that only list). */
    public PluginRegistry(Path directory) {
        this(directory, pluginId -> new PluginSettings("plugins.settings." + pluginId, Map.of()));
    }

    /** @param settings each plugin's section of config.yml, which its actions validate when its jar loads */
    public PluginRegistry(Path directory, Function<String, PluginSettings> settings) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.jars = new PluginJarLoader(directory, settings);
    }

    /** Called after every change of the available actions (the engine refreshes its facts). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** Loads and starts every plugin in the directory; returns the problems found (empty when all is well). */
    public synchronized List<String> load() {
        return rescan();
    }

    /** Plugins an operator disabled: loaded, but their actions are not offered. */
    public synchronized void setDisabled(Set<String> pluginIds) {
        disabled.clear();
        disabled.addAll(pluginIds);
        reindex();
    }

    public synchronized void setEnabled(String pluginId, boolean enabled) {
        if (enabled) {
            disabled.remove(pluginId);
        } else {
            disabled.add(pluginId);
        }
        reindex();
    }

    /** Brings the loaded plugins in line with the directory; returns the problems of the jars there now. */
    public synchronized List<String> rescan() {
        Map<Path, String> present = new LinkedHashMap<>();
        if (!Files.isDirectory(directory)) {
            failures = List.of("plugins directory " + directory.toAbsolutePath() + " does not exist (build the plugins with ./mvnw package)");
            return failures;
        }
        try (Stream<Path> jars = Files.list(directory)) {
            for (Path jar : jars.filter(path -> path.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                present.put(jar, fingerprint(jar));
            }
        } catch (IOException e) {
            failures = List.of("cannot list " + directory + ": " + e.getMessage());
            return failures;
        }
        // Removed or changed jars go first, so that a replaced plugin's id and actions are free again.
        for (LoadedPlugin current : List.copyOf(loaded.values())) {
            String now = present.get(current.jar());
            if (now == null || !now.equals(current.fingerprint())) {
                loaded.remove(current.jar());
                retire(current, now == null ? "removed" : "replaced");
            }
        }
        rejected.entrySet().removeIf(jar -> !jar.getValue().fingerprint().equals(present.get(jar.getKey())));
        for (Map.Entry<Path, String> jar : present.entrySet()) {
            if (loaded.containsKey(jar.getKey()) || rejected.containsKey(jar.getKey())) {
                continue;
            }
            try {
                LoadedPlugin next = jars.load(jar.getKey(), jar.getValue(), claims());
                loaded.put(jar.getKey(), next);
                LOG.info("plugin {} {} loaded from {}: actions {}", next.id(), next.plugin().getDescriptor().getVersion(),
                        jar.getKey().getFileName(), next.actions().stream().map(a -> a.action().id()).toList());
            } catch (PluginRejected e) {
                rejected.put(jar.getKey(), new RejectedJar(jar.getValue(), e.getMessage()));
                LOG.error("plugin jar rejected: {}", e.getMessage());
            }
        }
        failures = rejected.values().stream().map(RejectedJar::reason).toList();
        reapRetired();
        reindex();
        return failures;
    }

    /** Unloads replaced and removed plugins whose actions have all returned. */
    public synchronized void reapRetired() {
        for (LoadedPlugin old : List.copyOf(retiring)) {
            if (old.idle()) {
                retiring.remove(old);
                old.unload();
            }
        }
    }

    private void retire(LoadedPlugin old, String why) {
        LOG.info("plugin {} ({}) {}: its actions are withdrawn; it unloads when none of them is running",
                old.id(), old.jar().getFileName(), why);
        retiring.add(old);
    }

    /** What the loaded plugins hold, for the jar loader's duplicate checks (the first jar to claim an id keeps it). */
    private PluginJarLoader.Claims claims() {
        return new PluginJarLoader.Claims() {
            @Override
            public Optional<String> pluginId(String id) {
                return loaded.values().stream().filter(other -> other.id().equals(id)).map(other -> other.jar().getFileName().toString())
                        .findFirst();
            }

            @Override
            public Optional<String> action(String id) {
                return loaded.values().stream().filter(other -> other.actions().stream().anyMatch(a -> a.action().id().equals(id)))
                        .map(LoadedPlugin::id).findFirst();
            }

            @Override
            public Optional<String> collector(String id) {
                return loaded.values().stream().filter(other -> other.collectors().stream().anyMatch(c -> c.collector().id().equals(id)))
                        .map(LoadedPlugin::id).findFirst();
            }
        };
    }

    private void reindex() {
        Map<String, LoadedCollector> observing = new LinkedHashMap<>();
        Map<String, LoadedAction> index = new LinkedHashMap<>();
        List<LoadedPlugin> ordered = new ArrayList<>(loaded.values());
        ordered.sort(Comparator.comparing(LoadedPlugin::id));
        for (LoadedPlugin plugin : ordered) {
            if (disabled.contains(plugin.id())) {
                continue;
            }
            plugin.actions().forEach(action -> index.putIfAbsent(action.action().id(), action));
            plugin.collectors().forEach(collector -> observing.putIfAbsent(collector.collector().id(), collector));
        }
        collectors = Map.copyOf(observing);
        boolean changed = !index.keySet().equals(actions.keySet())
                || index.entrySet().stream().anyMatch(e -> actions.get(e.getKey()) != e.getValue());
        actions = Map.copyOf(index);
        if (changed) {
            listeners.forEach(Runnable::run);
        }
    }

    private static String fingerprint(Path jar) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
        return attributes.size() + "@" + attributes.lastModifiedTime().toMillis();
    }

    /** The collector of that id, from the plugin version loaded now (a reloaded jar's collector is used from its next run). */
    public Optional<LoadedCollector> collector(String id) {
        return Optional.ofNullable(collectors.get(id));
    }

    /** The ids of the collectors loaded now. */
    public java.util.Set<String> collectorIds() {
        return new java.util.TreeSet<>(collectors.keySet());
    }

    public Optional<LoadedAction> action(String id) {
        return Optional.ofNullable(actions.get(id));
    }

    /** The actions as facts for the rule session. */
    public List<AvailableAction> availableActions() {
        List<AvailableAction> out = new ArrayList<>();
        for (LoadedAction loadedAction : actions.values()) {
            ActionMetadata metadata = loadedAction.action().metadata();
            out.add(new AvailableAction(loadedAction.action().id(), loadedAction.pluginId(), metadata.risk().name(), metadata.cost(),
                    metadata.reversible(), metadata.issueTypes(), metadata.priorSuccessRate()));
        }
        return out;
    }

    public synchronized PluginStatus status() {
        long started = loaded.values().stream().filter(l -> l.plugin().getPluginState() == PluginState.STARTED).count();
        return new PluginStatus(loaded.size(), (int) started, List.copyOf(actions.keySet()), failures);
    }

    /** Every loaded plugin with its state and actions, by id. */
    /** One loaded plugin, by id. */
    public synchronized Optional<PluginInfo> plugin(String id) {
        return plugins().stream().filter(plugin -> plugin.id().equals(id)).findFirst();
    }

    public synchronized List<PluginInfo> plugins() {
        List<PluginInfo> out = new ArrayList<>();
        for (LoadedPlugin plugin : loaded.values()) {
            List<PluginInfo.Action> offered = new ArrayList<>();
            for (LoadedAction action : plugin.actions()) {
                ActionMetadata m = action.action().metadata();
                offered.add(new PluginInfo.Action(action.action().id(), m.description(), m.risk().name(), m.cost(), m.reversible(),
                        m.issueTypes(), m.priorSuccessRate()));
            }
            out.add(new PluginInfo(plugin.id(), plugin.plugin().getDescriptor().getVersion(),
                    plugin.jar().getFileName().toString(), plugin.plugin().getPluginState().toString().toLowerCase(java.util.Locale.ROOT),
                    !disabled.contains(plugin.id()), offered, plugin.collectors().stream()
                    .map(c -> new PluginInfo.CollectorInfo(c.collector().id(), c.collector().description())).toList()));
        }
        out.sort(Comparator.comparing(PluginInfo::id));
        return out;
    }

    /**
     * Stops and unloads every plugin. Stops each one from a copy of the started list: PF4J's own
     * stopPlugins() modifies the list it iterates (pf4j#656).
     */
    public synchronized void stop() {
        for (LoadedPlugin plugin : List.copyOf(loaded.values())) {
            plugin.unload();
        }
        for (LoadedPlugin plugin : List.copyOf(retiring)) {
            plugin.unload();
        }
        loaded.clear();
        retiring.clear();
        actions = Map.of();
    }
}
