package io.homeostat.service.watch;

import io.dropwizard.lifecycle.Managed;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one directory for created, changed and deleted files ending in one of some suffixes and calls back
 * with their names once the directory has been quiet for the debounce time (an editor or a copy
 * writes a file in several steps). Also calls {@code onTick} on every wake-up, for housekeeping.
 * A recursive watcher also watches every sub-directory, including ones created later (the rule
 * compiler reads the whole tree, so an edit anywhere in it must reload); a new sub-directory counts
 * as a change itself, since files copied in with it raise no event of their own.
 */
public final class DirectoryWatcher implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatcher.class);

    private final String name;
    private final Path directory;
    private final java.util.List<String> suffixes;
    private final Duration debounce;
    private final Consumer<String> onChange;
    private final Runnable onTick;
    private final boolean recursive;
    private WatchService watcher;
    private WatchKey rootKey;
    /** Sub-directories watched, so that moving one away (a single event on its parent) counts as a change. */
    private final java.util.Set<Path> watched = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private Thread thread;

    public DirectoryWatcher(String name, Path directory, java.util.List<String> suffixes, Duration debounce, Consumer<String> onChange,
                            Runnable onTick) {
        this(name, directory, suffixes, debounce, onChange, onTick, false);
    }

    public DirectoryWatcher(String name, Path directory, java.util.List<String> suffixes, Duration debounce, Consumer<String> onChange,
                            Runnable onTick, boolean recursive) {
        this.name = Objects.requireNonNull(name, "name");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.suffixes = java.util.List.copyOf(suffixes);
        this.debounce = Objects.requireNonNull(debounce, "debounce");
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        this.onTick = Objects.requireNonNull(onTick, "onTick");
        this.recursive = recursive;
    }

    @Override
    public void start() throws IOException {
        watcher = FileSystems.getDefault().newWatchService();
        rootKey = register(directory);
        if (recursive) {
            registerBelow(directory);
        }
        thread = new Thread(this::watch, "homeostat-" + name + "-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() throws IOException, InterruptedException {
        if (watcher != null) {
            watcher.close();
        }
        if (thread != null) {
            thread.join(5_000);
        }
    }

    private WatchKey register(Path dir) throws IOException {
        return dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
    }

    /** Hidden directories ({@code .git} of a rules checkout) hold no rules and would cost a watch each. */
    private static boolean hidden(Path dir) {
        return dir.getFileName() != null && dir.getFileName().toString().startsWith(".");
    }

    /** Watches {@code dir} (unless it is the root, watched already) and every directory below it, hidden ones excepted. */
    private void registerBelow(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path sub, BasicFileAttributes attributes) throws IOException {
                if (!sub.equals(directory) && hidden(sub)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (!sub.equals(directory)) {
                    register(sub);
                    watched.add(sub);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void watch() {
        long changedAt = 0;
        TreeSet<String> changed = new TreeSet<>();
        while (true) {
            WatchKey key;
            try {
                key = watcher.poll(Math.max(10, debounce.toMillis() / 2), TimeUnit.MILLISECONDS);
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            if (key != null) {
                Path dir = (Path) key.watchable();
                for (WatchEvent<?> event : key.pollEvents()) {
                    Object context = event.context();
                    Path path = context == null ? null : dir.resolve(context.toString());
                    boolean newDirectory = recursive && event.kind() == StandardWatchEventKinds.ENTRY_CREATE && path != null && Files.isDirectory(path)
                            && !hidden(path);
                    if (newDirectory) {
                        try {
                            registerBelow(path);
                        } catch (IOException e) {
                            LOG.warn("{} watcher: cannot watch new directory {}: {}", name, path, e.toString());
                        }
                    }
                    boolean goneDirectory = event.kind() == StandardWatchEventKinds.ENTRY_DELETE && path != null && watched.remove(path);
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW || newDirectory || goneDirectory
                            || path != null && suffixes.stream().anyMatch(context.toString()::endsWith)) {
                        changedAt = System.nanoTime();
                        changed.add(path == null ? "(many)" : directory.relativize(path).toString());
                    }
                }
                if (!key.reset() && key == rootKey) {
                    LOG.error("{} directory {} can no longer be watched", name, directory);
                    return;
                }
            }
            try {
                onTick.run();
                if (changedAt != 0 && System.nanoTime() - changedAt >= debounce.toNanos()) {
                    String files = String.join(", ", changed);
                    changedAt = 0;
                    changed.clear();
                    onChange.accept(files);
                }
            } catch (RuntimeException e) {
                LOG.error("{} watcher: handling a change failed", name, e);
            }
        }
    }
}
