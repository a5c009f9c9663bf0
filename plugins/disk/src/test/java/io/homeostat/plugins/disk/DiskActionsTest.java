package io.homeostat.plugins.disk;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.testing.TestActionContext;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk actions on real directories, through the plugin API's test context. */
class DiskActionsTest {
    private static final String RESOURCE = "disk:web-3:/var";

    @TempDir
    Path temp;

    private Path logs;
    private Path outside;

    @BeforeEach
    void tree() throws Exception {
        logs = Files.createDirectories(temp.resolve("logs"));
        outside = Files.createDirectories(temp.resolve("outside"));
    }

    private PluginSettings settings(Map<String, Object> directory, Map<String, Object> top) {
        Map<String, Object> logsEntry = new HashMap<>(Map.of("path", logs.toString(), "olderThanDays", "7"));
        logsEntry.putAll(directory);
        Map<String, Object> values = new HashMap<>(Map.of("directories", Map.of("app-logs", logsEntry),
                "resources", Map.of(RESOURCE, List.of("app-logs"))));
        values.putAll(top);
        return new PluginSettings("plugins.settings.disk", values);
    }

    private static ActionResult run(Object action, PluginSettings settings, Map<String, String> parameters) throws Exception {
        TestActionContext context = new TestActionContext(RESOURCE, parameters, settings, Duration.ofSeconds(30));
        return action instanceof CleanupAction cleanup ? cleanup.execute(context) : ((RotateAction) action).execute(context);
    }

    private static Path file(Path path, String content, Duration age) throws Exception {
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
        Files.setLastModifiedTime(path, FileTime.from(Instant.now().minus(age)));
        return path;
    }

    @Test
    void cleanupDeletesOnlyOldMatchingFilesUnderTheAllowedDirectory() throws Exception {
        Path old = file(logs.resolve("app.log.1"), "x".repeat(100), Duration.ofDays(10));
        Path nested = file(logs.resolve("2026/11/app.log.2"), "y".repeat(50), Duration.ofDays(30));
        Path fresh = file(logs.resolve("app.log"), "z", Duration.ofDays(1));
        Path other = file(logs.resolve("keep.dat"), "k", Duration.ofDays(30));

        ActionResult result = run(new CleanupAction(), settings(Map.of("match", "app.log*"), Map.of()), Map.of());

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(old).doesNotExist();
        assertThat(nested).doesNotExist();
        assertThat(nested.getParent()).isDirectory();
        assertThat(fresh).exists();
        assertThat(other).exists();
        assertThat(result.details()).containsEntry("deleted", "2").containsEntry("freedBytes", "150").containsEntry("dryRun", "false");
        assertThat(result.details().get("files")).contains("app-logs/app.log.1", "app-logs/2026/11/app.log.2");
    }

    @Test
    void symlinksAreNeverFollowedNorDeletedThroughInAnyDirection() throws Exception {
        Path victim = file(outside.resolve("precious.txt"), "must survive", Duration.ofDays(100));
        Path victimDir = file(outside.resolve("tree/deep.txt"), "must survive too", Duration.ofDays(100));
        Files.createSymbolicLink(logs.resolve("link-to-file"), victim);
        Files.createSymbolicLink(logs.resolve("link-to-dir"), victimDir.getParent());
        Files.createSymbolicLink(logs.resolve("dotdot"), logs.resolve(".."));

        ActionResult result = run(new CleanupAction(), settings(Map.of("olderThanDays", "0"), Map.of()), Map.of());

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(victim).exists().hasContent("must survive");
        assertThat(victimDir).exists();
        assertThat(logs.resolve("link-to-file")).isSymbolicLink();
        assertThat(result.details()).containsEntry("deleted", "0").containsEntry("skippedSymlinks", "3");
    }

    @Test
    void anAllowedDirectoryThatIsASymlinkOrGoesThroughOneIsRefused() throws Exception {
        file(outside.resolve("old.log"), "x", Duration.ofDays(100));
        Path linked = temp.resolve("linked-logs");
        Files.createSymbolicLink(linked, outside);
        PluginSettings settings = new PluginSettings("plugins.settings.disk", Map.of(
                "directories", Map.of("app-logs", Map.of("path", linked.toString(), "olderThanDays", "0")),
                "resources", Map.of(RESOURCE, List.of("app-logs"))));

        ActionResult result = run(new CleanupAction(), settings, Map.of());

        assertThat(result.succeeded()).isFalse();
        assertThat(result.message()).contains("app-logs").contains("symlink");
        assertThat(outside.resolve("old.log")).exists();
    }

    @Test
    void pathsWithDotDotRootAndSystemTreesAreRejectedWhenThePluginLoads() {
        PluginSettings settings = new PluginSettings("plugins.settings.disk", Map.of(
                "directories", Map.of(
                        "escape", Map.of("path", logs + "/../outside"),
                        "relative", Map.of("path", "var/log"),
                        "root", Map.of("path", "/"),
                        "etc", Map.of("path", "/etc/nginx"),
                        "badglob", Map.of("path", logs.toString(), "match", "../*")),
                "resources", Map.of(RESOURCE, List.of("escape", "nowhere")),
                "dryRun", "maybe"));

        assertThat(new CleanupAction().validate(settings)).containsExactlyInAnyOrder(
                "plugins.settings.disk.directories.escape.path must not contain '.' or '..' segments, was '" + logs + "/../outside'",
                "plugins.settings.disk.directories.relative.path must be an absolute path, was 'var/log'",
                "plugins.settings.disk.directories.root.path must not be the file system's root",
                "plugins.settings.disk.directories.etc.path must not be under /etc, was '/etc/nginx'",
                "plugins.settings.disk.directories.badglob.match is a pattern on file names and must not contain '/', was '../*'",
                "plugins.settings.disk.resources.\"" + RESOURCE + "\" names directory 'nowhere', which plugins.settings.disk.directories does not define",
                "plugins.settings.disk.dryRun must be true or false, was 'maybe'");
    }

    @Test
    void aDirectoryParameterIsANameNeverAPath() throws Exception {
        Path old = file(outside.resolve("old.log"), "x", Duration.ofDays(100));

        ActionResult result = run(new CleanupAction(), settings(Map.of(), Map.of()), Map.of("directory", "../outside"));

        assertThat(result.applicable()).isFalse();
        assertThat(result.message()).isEqualTo("directory '../outside' is not one of resource " + RESOURCE
                + "'s under plugins.settings.disk.resources; nothing was touched");
        assertThat(old).exists();
        ActionResult unknown = run(new CleanupAction(), new PluginSettings("plugins.settings.disk", Map.of()), Map.of());
        assertThat(unknown.applicable()).isFalse();
    }

    @Test
    void aDryRunListsWhatItWouldDeleteAndDeletesNothing() throws Exception {
        Path old = file(logs.resolve("app.log.1"), "x".repeat(10), Duration.ofDays(10));

        ActionResult bySetting = run(new CleanupAction(), settings(Map.of(), Map.of("dryRun", "true")), Map.of());
        ActionResult byRule = run(new CleanupAction(), settings(Map.of(), Map.of()), Map.of("dryRun", "true"));

        for (ActionResult result : List.of(bySetting, byRule)) {
            assertThat(result.succeeded()).isTrue();
            assertThat(result.message()).startsWith("dry run: would delete 1 file(s), 10 bytes");
            assertThat(result.details()).containsEntry("wouldDelete", "1").containsEntry("files", "app-logs/app.log.1");
        }
        assertThat(old).exists();
    }

    @Test
    void aMissingDirectoryIsAFailureThatSaysWhich() throws Exception {
        Files.delete(logs);

        ActionResult result = run(new CleanupAction(), settings(Map.of(), Map.of()), Map.of());

        assertThat(result.succeeded()).isFalse();
        assertThat(result.applicable()).isTrue();
        assertThat(result.message()).isEqualTo("app-logs (" + logs + ") is not a directory");
    }

    @Test
    void rotateGzipsLargeLogsBesideThemTruncatesThemAndNeverTwiceForOneAttempt() throws Exception {
        String content = "line of a log that repeats\n".repeat(2_000);
        Path log = file(logs.resolve("app.log"), content, Duration.ZERO);
        Path small = file(logs.resolve("small.log"), "tiny\n", Duration.ZERO);
        Path linked = Files.createSymbolicLink(logs.resolve("linked.log"), file(outside.resolve("big.log"), content, Duration.ZERO));
        PluginSettings settings = settings(Map.of("rotateMinKib", "1"), Map.of());

        ActionResult result = run(new RotateAction(), settings, Map.of());

        assertThat(result.succeeded()).as(result.message()).isTrue();
        Path archive = logs.resolve("app.log.remtest1.gz");
        assertThat(archive).exists();
        assertThat(gunzip(archive)).isEqualTo(content);
        assertThat(log).exists().isEmptyFile();
        assertThat(small).hasContent("tiny\n");
        assertThat(outside.resolve("big.log")).hasContent(content);
        assertThat(linked).isSymbolicLink();
        assertThat(result.details()).containsEntry("rotated", "1").containsEntry("originalBytes", Integer.toString(content.length()));
        assertThat(Long.parseLong(result.details().get("freedBytes"))).isGreaterThan(content.length() / 2);

        // The same attempt again (a reconcile after a crash): the archive says it is done; nothing is overwritten.
        Files.writeString(log, content);
        ActionResult again = run(new RotateAction(), settings, Map.of());
        assertThat(again.details()).containsEntry("rotated", "0").containsEntry("alreadyRotated", "1");
        assertThat(log).hasContent(content);
        assertThat(gunzip(archive)).isEqualTo(content);
    }

    private static String gunzip(Path archive) throws Exception {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
