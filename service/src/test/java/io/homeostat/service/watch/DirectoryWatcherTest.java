package io.homeostat.service.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules watcher sees edits anywhere in the tree; the flat one only in its directory. */
class DirectoryWatcherTest {
    private static final Duration DEBOUNCE = Duration.ofMillis(200);

    private static String next(LinkedBlockingQueue<String> changes) throws InterruptedException {
        return changes.poll(10, TimeUnit.SECONDS);
    }

    @Test
    void aRecursiveWatcherSeesFilesInOldAndNewSubDirectoriesAndADirectoryMovedAway(@TempDir Path root, @TempDir Path elsewhere)
            throws Exception {
        Files.createDirectories(root.resolve("team-a"));
        Files.createDirectories(root.resolve(".git/refs"));
        LinkedBlockingQueue<String> changes = new LinkedBlockingQueue<>();
        DirectoryWatcher watcher = new DirectoryWatcher("test", root, List.of(".drl"), DEBOUNCE, changes::add, () -> { }, true);
        watcher.start();
        try {
            Files.writeString(root.resolve("team-a/cpu.drl"), "rule");
            assertThat(next(changes)).isEqualTo("team-a/cpu.drl");

            Files.writeString(root.resolve("team-a/notes.txt"), "not a rule file");
            Files.writeString(root.resolve(".git/refs/old.drl"), "a hidden directory is not watched");
            Files.writeString(root.resolve("top.drl"), "rule");
            assertThat(next(changes)).isEqualTo("top.drl");

            // A directory arriving with its files already in it (a copy or a checkout).
            Path staged = Files.createDirectories(elsewhere.resolve("team-b"));
            Files.writeString(staged.resolve("disk.drl"), "rule");
            Files.move(staged, root.resolve("team-b"));
            assertThat(next(changes)).isEqualTo("team-b");
            Files.writeString(root.resolve("team-b/disk.drl"), "edited");
            assertThat(next(changes)).isEqualTo("team-b/disk.drl");

            Files.move(root.resolve("team-a"), elsewhere.resolve("team-a"));
            assertThat(next(changes)).isEqualTo("team-a");
            assertThat(changes.poll(DEBOUNCE.toMillis() * 3, TimeUnit.MILLISECONDS)).isNull();
        } finally {
            watcher.stop();
        }
    }

    @Test
    void aFlatWatcherIgnoresSubDirectories(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("sub"));
        LinkedBlockingQueue<String> changes = new LinkedBlockingQueue<>();
        DirectoryWatcher watcher = new DirectoryWatcher("test", root, List.of(".jar"), DEBOUNCE, changes::add, () -> { });
        watcher.start();
        try {
            Files.writeString(root.resolve("sub/inner.jar"), "x");
            Files.writeString(root.resolve("outer.jar"), "x");
            assertThat(next(changes)).isEqualTo("outer.jar");
        } finally {
            watcher.stop();
        }
    }
}
