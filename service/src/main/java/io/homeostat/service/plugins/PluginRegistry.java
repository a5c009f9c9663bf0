package io.homeostat.service.plugins;

import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.PluginApi;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.Collector;
import io.homeostat.plugin.api.RemediationAction;
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
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin jars of a directory, loaded with PF4J, each in its own plugin manager and class
 * loader (only the plugin API and pf4j are shared with the service), and their
 * {@link RemediationAction}s indexed by id. {@link #rescan} brings it in line with the directory
 * without a restart: a new jar is loaded and started, a removed one stopped, a changed one
 * reloaded; a jar that fails (corrupt, no actions, wrong plugin-API major version, an action id
 * another plugin has) is rejected with its reason and changes nothing else. A replaced or removed
 * plugin is unloaded only when no action of it is running: running actions finish on the old version.
 */
public final class PluginRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

    /** One loaded jar. */
    private record Loaded(Path jar, String fingerprint, PluginManager manager, PluginWrapper plugin, List<LoadedAction> actions,
                          List<LoadedCollector> collectors) {
        boolean idle() {
            return actions.stream().allMatch(action -> action.inFlight().get() == 0)
                    && collectors.stream().allMatch(collector -> collector.inFlight().get() == 0);
        }
    }

    private final Path directory;
    private final Map<Path, Loaded> loaded = new LinkedHashMap<>();
    /** Jars rejected as they are now: not tried again until they change. */
    private record RejectedJar(String fingerprint, String reason) {
    }

    private final Map<Path, RejectedJar> rejected = new LinkedHashMap<>();
    private final List<Loaded> retiring = new ArrayList<>();
    private final Set<String> disabled = new HashSet<>();
    private volatile Map<String, LoadedAction> actions = Map.of();
    private volatile Map<String, LoadedCollector> collectors = Map.of();
    private volatile List<String> failures = List.of();
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final Function<String, PluginSettings> settings;

    /** A registry whose plugins are checked against no settings (tests, tools that only list). */
    public PluginRegistry(Path directory) {
        this(directory, pluginId -> new PluginSettings("plugins.settings." + pluginId, Map.of()));
    }

    /** @param settings each plugin's section of config.yml, which its actions validate when its jar loads */
    public PluginRegistry(Path directory, Function<String, PluginSettings> settings) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.settings = Objects.requireNonNull(settings, "settings");
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
        for (Loaded current : List.copyOf(loaded.values())) {
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
                Loaded next = loadOne(jar.getKey(), jar.getValue());
                loaded.put(jar.getKey(), next);
                LOG.info("plugin {} {} loaded from {}: actions {}", next.plugin().getPluginId(), next.plugin().getDescriptor().getVersion(),
                        jar.getKey().getFileName(), next.actions().stream().map(a -> a.action().id()).toList());
            } catch (Rejected e) {
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
        for (Loaded old : List.copyOf(retiring)) {
            if (old.idle()) {
                retiring.remove(old);
                unload(old);
            }
        }
    }

    private void retire(Loaded old, String why) {
        LOG.info("plugin {} ({}) {}: its actions are withdrawn; it unloads when none of them is running",
                old.plugin().getPluginId(), old.jar().getFileName(), why);
        retiring.add(old);
    }

    private static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message);
        }
    }

    private Loaded loadOne(Path jar, String fingerprint) throws Rejected {
        String name = jar.getFileName().toString();
        String[] failure = new String[1];
        DefaultPluginManager manager = new DefaultPluginManager(directory) {
            // PF4J logs a jar that fails to load and moves on; keep the reason so that it is reported.
            @Override
            protected PluginWrapper loadPluginFromPath(Path pluginPath) {
                try {
                    return super.loadPluginFromPath(pluginPath);
                } catch (RuntimeException e) {
                    failure[0] = rootMessage(e);
                    throw e;
                }
            }
        };
        manager.setSystemVersion(PluginApi.VERSION);
        String unreadable = unreadable(jar);
        if (unreadable != null) {
            // Said before PF4J tries it: PF4J reports any such jar as "No PluginDescriptorFinder".
            throw new Rejected(name + ": cannot be loaded: " + unreadable);
        }
        String pluginId;
        try {
            pluginId = manager.loadPlugin(jar);
        } catch (RuntimeException e) {
            throw new Rejected(name + ": cannot be loaded: " + (failure[0] != null ? failure[0] : rootMessage(e)));
        }
        if (pluginId == null) {
            throw new Rejected(name + ": cannot be loaded: " + (failure[0] != null ? failure[0] : "not a PF4J plugin"));
        }
        PluginWrapper plugin = manager.getPlugin(pluginId);
        for (Loaded other : loaded.values()) {
            if (other.plugin().getPluginId().equals(pluginId)) {
                unload(manager, pluginId);
                throw new Rejected(name + ": plugin id " + pluginId + " is already loaded from " + other.jar().getFileName());
            }
        }
        try {
            manager.startPlugin(pluginId);
        } catch (RuntimeException e) {
            unload(manager, pluginId);
            throw new Rejected(name + ": " + pluginId + " did not start: " + rootMessage(e));
        }
        if (plugin.getPluginState() != PluginState.STARTED) {
            String state = plugin.getPluginState() + describe(plugin.getFailedException());
            unload(manager, pluginId);
            throw new Rejected(name + ": " + pluginId + " not started, state " + state
                    + " (it requires plugin API " + plugin.getDescriptor().getRequires() + ", this service has " + PluginApi.VERSION + ")");
        }
        List<RemediationAction> extensions = manager.getExtensions(RemediationAction.class, pluginId);
        List<Collector> observers = manager.getExtensions(Collector.class, pluginId);
        if (extensions.isEmpty() && observers.isEmpty()) {
            unload(manager, pluginId);
            throw new Rejected(name + ": " + pluginId + " provides no RemediationAction and no Collector extension");
        }
        List<LoadedAction> offered = new ArrayList<>();
        for (RemediationAction action : extensions) {
            for (Loaded other : loaded.values()) {
                if (other.actions().stream().anyMatch(a -> a.action().id().equals(action.id()))) {
                    unload(manager, pluginId);
                    throw new Rejected(name + ": action " + action.id() + " is already provided by plugin " + other.plugin().getPluginId());
                }
            }
            offered.add(new LoadedAction(action, pluginId, plugin.getDescriptor().getVersion(), plugin.getPluginClassLoader()));
        }
        List<LoadedCollector> offeredCollectors = new ArrayList<>();
        for (Collector collector : observers) {
            for (Loaded other : loaded.values()) {
                if (other.collectors().stream().anyMatch(c -> c.collector().id().equals(collector.id()))) {
                    unload(manager, pluginId);
                    throw new Rejected(name + ": collector " + collector.id() + " is already provided by plugin "
                            + other.plugin().getPluginId());
                }
            }
            offeredCollectors.add(new LoadedCollector(collector, pluginId, plugin.getDescriptor().getVersion(),
                    plugin.getPluginClassLoader()));
        }
        List<String> problems = validate(pluginId, offered, plugin.getPluginClassLoader());
        if (!problems.isEmpty()) {
            unload(manager, pluginId);
            throw new Rejected(name + ": " + pluginId + " has unusable settings: " + String.join("; ", problems));
        }
        return new Loaded(jar, fingerprint, manager, plugin, List.copyOf(offered), List.copyOf(offeredCollectors));
    }

    /** Why a jar cannot be a plugin before any of it is loaded (not a zip, no descriptor), or null. */
    static String unreadable(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            boolean described = manifest != null && manifest.getMainAttributes().getValue("Plugin-Id") != null;
            if (!described && file.getEntry("plugin.properties") == null) {
                return "no plugin descriptor: its manifest has no Plugin-Id and it holds no plugin.properties";
            }
            return null;
        } catch (IOException e) {
            return "not a readable jar (" + e.getMessage() + ")";
        }
    }

    /** Each action checks its plugin's settings, in the plugin's class loader; a check that throws is a problem too. */
    private List<String> validate(String pluginId, List<LoadedAction> actions, ClassLoader loader) {
        PluginSettings section = settings.apply(pluginId);
        List<String> problems = new ArrayList<>();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            for (LoadedAction action : actions) {
                try {
                    for (String problem : action.action().validate(section)) {
                        if (!problems.contains(problem)) {
                            problems.add(problem);
                        }
                    }
                } catch (RuntimeException | LinkageError e) {
                    problems.add(action.action().id() + " could not check its settings: " + rootMessage(e));
                }
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
        return problems;
    }

    private void reindex() {
        Map<String, LoadedCollector> observing = new LinkedHashMap<>();
        Map<String, LoadedAction> index = new LinkedHashMap<>();
        List<Loaded> ordered = new ArrayList<>(loaded.values());
        ordered.sort(Comparator.comparing(l -> l.plugin().getPluginId()));
        for (Loaded plugin : ordered) {
            if (disabled.contains(plugin.plugin().getPluginId())) {
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
        for (Loaded plugin : loaded.values()) {
            List<PluginInfo.Action> offered = new ArrayList<>();
            for (LoadedAction action : plugin.actions()) {
                ActionMetadata m = action.action().metadata();
                offered.add(new PluginInfo.Action(action.action().id(), m.description(), m.risk().name(), m.cost(), m.reversible(),
                        m.issueTypes(), m.priorSuccessRate()));
            }
            out.add(new PluginInfo(plugin.plugin().getPluginId(), plugin.plugin().getDescriptor().getVersion(),
                    plugin.jar().getFileName().toString(), plugin.plugin().getPluginState().toString().toLowerCase(java.util.Locale.ROOT),
                    !disabled.contains(plugin.plugin().getPluginId()), offered, plugin.collectors().stream()
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
        for (Loaded plugin : List.copyOf(loaded.values())) {
            unload(plugin);
        }
        for (Loaded plugin : List.copyOf(retiring)) {
            unload(plugin);
        }
        loaded.clear();
        retiring.clear();
        actions = Map.of();
    }

    private static void unload(Loaded plugin) {
        unload(plugin.manager(), plugin.plugin().getPluginId());
    }

    private static void unload(PluginManager manager, String pluginId) {
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
