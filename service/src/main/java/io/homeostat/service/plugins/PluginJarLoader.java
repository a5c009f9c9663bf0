package io.homeostat.service.plugins;

import io.homeostat.plugin.api.Collector;
import io.homeostat.plugin.api.PluginApi;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.RemediationAction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.pf4j.DefaultPluginManager;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Loads one plugin jar: a PF4J manager of its own (PF4J keys plugins by id within a manager, so a
 * replacement can load beside the version still finishing its actions), a {@link BoundedPluginClassLoader},
 * start, extensions, and the check of its settings. A jar that cannot serve is unloaded again and
 * rejected with the reason an operator needs; nothing of it stays loaded.
 */
final class PluginJarLoader {
    /** What the plugins loaded already hold: a new jar may not take their ids. Each answer says who holds it. */
    interface Claims {
        Optional<String> pluginId(String id);

        Optional<String> action(String id);

        Optional<String> collector(String id);
    }

    private final Path directory;
    private final Function<String, PluginSettings> settings;

    PluginJarLoader(Path directory, Function<String, PluginSettings> settings) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    LoadedPlugin load(Path jar, String fingerprint, Claims claims) throws PluginRejected {
        String name = jar.getFileName().toString();
        String unreadable = unreadable(jar);
        if (unreadable != null) {
            // Said before PF4J tries it: PF4J reports any such jar as "No PluginDescriptorFinder".
            throw new PluginRejected(name + ": cannot be loaded: " + unreadable);
        }
        Manager manager = new Manager(directory);
        String pluginId;
        try {
            pluginId = manager.loadPlugin(jar);
        } catch (RuntimeException e) {
            throw new PluginRejected(name + ": cannot be loaded: " + (manager.failure != null ? manager.failure : rootMessage(e)));
        }
        if (pluginId == null) {
            throw new PluginRejected(name + ": cannot be loaded: " + (manager.failure != null ? manager.failure : "not a PF4J plugin"));
        }
        try {
            return start(jar, fingerprint, manager, pluginId, claims);
        } catch (PluginRejected | RuntimeException e) {
            LoadedPlugin.unload(manager, pluginId);
            throw e;
        }
    }

    private LoadedPlugin start(Path jar, String fingerprint, Manager manager, String pluginId, Claims claims) throws PluginRejected {
        String name = jar.getFileName().toString();
        PluginWrapper plugin = manager.getPlugin(pluginId);
        Optional<String> holder = claims.pluginId(pluginId);
        if (holder.isPresent()) {
            throw new PluginRejected(name + ": plugin id " + pluginId + " is already loaded from " + holder.get());
        }
        try {
            manager.startPlugin(pluginId);
        } catch (RuntimeException e) {
            throw new PluginRejected(name + ": " + pluginId + " did not start: " + rootMessage(e));
        }
        if (plugin.getPluginState() != PluginState.STARTED) {
            Throwable failed = plugin.getFailedException();
            throw new PluginRejected(name + ": " + pluginId + " not started, state " + plugin.getPluginState()
                    + (failed == null ? "" : ": " + failed.getMessage())
                    + " (it requires plugin API " + plugin.getDescriptor().getRequires() + ", this service has " + PluginApi.VERSION + ")");
        }
        List<RemediationAction> extensions = manager.getExtensions(RemediationAction.class, pluginId);
        List<Collector> observers = manager.getExtensions(Collector.class, pluginId);
        if (extensions.isEmpty() && observers.isEmpty()) {
            throw new PluginRejected(name + ": " + pluginId + " provides no RemediationAction and no Collector extension");
        }
        String version = plugin.getDescriptor().getVersion();
        ClassLoader loader = plugin.getPluginClassLoader();
        List<LoadedAction> offered = new ArrayList<>();
        for (RemediationAction action : extensions) {
            Optional<String> other = claims.action(action.id());
            if (other.isPresent()) {
                throw new PluginRejected(name + ": action " + action.id() + " is already provided by plugin " + other.get());
            }
            offered.add(new LoadedAction(action, pluginId, version, loader));
        }
        List<LoadedCollector> offeredCollectors = new ArrayList<>();
        for (Collector collector : observers) {
            Optional<String> other = claims.collector(collector.id());
            if (other.isPresent()) {
                throw new PluginRejected(name + ": collector " + collector.id() + " is already provided by plugin " + other.get());
            }
            offeredCollectors.add(new LoadedCollector(collector, pluginId, version, loader));
        }
        List<String> problems = validate(pluginId, offered, loader);
        if (!problems.isEmpty()) {
            throw new PluginRejected(name + ": " + pluginId + " has unusable settings: " + String.join("; ", problems));
        }
        return new LoadedPlugin(jar, fingerprint, manager, plugin, List.copyOf(offered), List.copyOf(offeredCollectors));
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

    static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = failure.getMessage();
        return root == failure || root.getMessage() == null ? message : message + " (" + root.getMessage() + ")";
    }

    /** The manager of one jar: jars only, each in a bounded class loader, and the reason a jar failed kept for the operator. */
    private static final class Manager extends DefaultPluginManager {
        /** Where the plugin API and pf4j come from (a static: PF4J's constructor asks for the loader before fields are set). */
        private static final ClassLoader SERVICE = PluginJarLoader.class.getClassLoader();
        private String failure;

        Manager(Path directory) {
            super(directory);
            setSystemVersion(PluginApi.VERSION);
        }

        @Override
        protected PluginLoader createPluginLoader() {
            return new JarPluginLoader(this) {
                @Override
                protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
                    return new BoundedPluginClassLoader(pluginManager, descriptor, SERVICE);
                }
            };
        }

        // PF4J logs a jar that fails to load and moves on; keep the reason so that it is reported.
        @Override
        protected PluginWrapper loadPluginFromPath(Path pluginPath) {
            try {
                return super.loadPluginFromPath(pluginPath);
            } catch (RuntimeException e) {
                failure = rootMessage(e);
                throw e;
            }
        }
    }
}
