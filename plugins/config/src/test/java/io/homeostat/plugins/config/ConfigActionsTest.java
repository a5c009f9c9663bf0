package io.homeostat.plugins.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.CollectorContext;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.Reading;
import io.homeostat.plugin.api.testing.TestActionContext;
import io.homeostat.plugin.support.FileBackups;
import io.homeostat.plugin.support.Hashes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.reconcile and config.drift on real files, a real git repository (made with JGit) and a real reload command. */
class ConfigActionsTest {
    private static final String DESIRED = "worker_processes 4;\npassword=hunter2\n";
    private static final String DRIFTED = "worker_processes 64;\npassword=hunter2\n";

    @TempDir
    Path directory;

    private Path live;
    private Path reloads;

    private PluginSettings settings(Map<String, Object> desired, List<String> reload) {
        return new PluginSettings("plugins.settings.config", Map.of(
                "backupDirectory", directory.resolve("backups").toString(),
                "files", Map.of("file:nginx.conf", Map.of("path", live.toString(), "desired", desired, "reloadCommand", reload))));
    }

    private Map<String, Object> fromDirectory() throws IOException {
        Path desired = Files.createDirectories(directory.resolve("desired/nginx"));
        Files.writeString(desired.resolve("nginx.conf"), DESIRED);
        return Map.of("directory", directory.resolve("desired").toString(), "file", "nginx/nginx.conf");
    }

    private List<String> reloadCommand() {
        reloads = directory.resolve("reloads.log");
        return List.of("/bin/sh", "-c", "echo reloaded >> " + reloads);
    }

    private void driftedLive() throws IOException {
        live = directory.resolve("etc/nginx.conf");
        Files.createDirectories(live.getParent());
        Files.writeString(live, DRIFTED);
        Files.setPosixFilePermissions(live, PosixFilePermissions.fromString("rw-r-----"));
    }

    private static TestActionContext context(PluginSettings settings) {
        return new TestActionContext("file:nginx.conf", Map.of(), settings, Duration.ofSeconds(10));
    }

    @Test
    void aDriftedFileGetsItsDesiredVersionAndTheRollbackPutsTheDriftedCopyBack() throws Exception {
        driftedLive();
        ReconcileAction reconcile = new ReconcileAction();
        TestActionContext context = context(settings(fromDirectory(), reloadCommand()));
        String snapshot = reconcile.snapshot(context).orElseThrow();

        ActionResult result = reconcile.execute(context);

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(Files.readString(live)).isEqualTo(DESIRED);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(live))).isEqualTo("rw-r-----");
        assertThat(Files.readAllLines(reloads)).containsExactly("reloaded");
        assertThat(result.message()).endsWith("; reloaded").doesNotContain("hunter2");
        assertThat(result.details()).containsEntry("desiredSha256", Hashes.sha256(DESIRED.getBytes()))
                .containsEntry("previousSha256", Hashes.sha256(DRIFTED.getBytes()));
        // The drifted copy is on disk, private; the snapshot the service stores names it and never holds the content.
        assertThat(snapshot).doesNotContain("hunter2");
        Path copy = FileBackups.Snapshot.decode(snapshot).entries().get(0).copy();
        assertThat(Files.readString(copy)).isEqualTo(DRIFTED);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy))).isEqualTo("rw-------");
        assertThat(directory.resolve("etc")).isDirectoryNotContaining(path -> path.getFileName().toString().endsWith(".homeostat"));

        ActionResult undone = reconcile.rollback(context, snapshot);
        assertThat(undone.succeeded()).as(undone.message()).isTrue();
        assertThat(Files.readString(live)).isEqualTo(DRIFTED);
        assertThat(Files.readAllLines(reloads)).containsExactly("reloaded", "reloaded");
    }

    @Test
    void aFileThatAlreadyMatchesIsLeftAsItIs() throws Exception {
        driftedLive();
        Files.writeString(live, DESIRED);
        Files.setLastModifiedTime(live, java.nio.file.attribute.FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        ActionResult result = new ReconcileAction().execute(context(settings(fromDirectory(), reloadCommand())));
        assertThat(result.succeeded()).isTrue();
        assertThat(result.message()).contains("already matches");
        assertThat(Files.getLastModifiedTime(live).toInstant()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(reloads).doesNotExist();
    }

    @Test
    void aFailedReloadIsAFailedAttemptThatQuotesIt() throws Exception {
        driftedLive();
        ActionResult result = new ReconcileAction().execute(context(settings(fromDirectory(),
                List.of("/bin/sh", "-c", "echo 'nginx: [emerg] unknown directive' >&2; exit 1"))));
        assertThat(result.succeeded()).isFalse();
        assertThat(result.message()).contains("the reload failed: /bin/sh exited with 1: nginx: [emerg] unknown directive");
        assertThat(result.details()).containsEntry("reload", "failed");
    }

    @Test
    void theDesiredVersionComesFromAPathAtARefOfAGitRepository() throws Exception {
        driftedLive();
        Path repository = directory.resolve("config-repo");
        try (Git git = Git.init().setDirectory(repository.toFile()).setInitialBranch("main").call()) {
            commit(git, repository, "nginx/nginx.conf", "worker_processes 2;\n", "v1");
            git.tag().setName("v1").call();
            commit(git, repository, "nginx/nginx.conf", DESIRED, "v2");
        }
        ReconcileAction reconcile = new ReconcileAction();
        ActionResult atMain = reconcile.execute(context(settings(Map.of("git", repository.toString(), "ref", "main", "file", "nginx/nginx.conf"), List.of())));
        assertThat(atMain.succeeded()).as(atMain.message()).isTrue();
        assertThat(Files.readString(live)).isEqualTo(DESIRED);
        assertThat(atMain.details().get("desired")).startsWith("git " + repository + " main@").endsWith(":nginx/nginx.conf");

        ActionResult atTag = reconcile.execute(context(settings(Map.of("git", repository.toString(), "ref", "v1", "file", "nginx/nginx.conf"), List.of())));
        assertThat(atTag.succeeded()).isTrue();
        assertThat(Files.readString(live)).isEqualTo("worker_processes 2;\n");

        ActionResult missing = reconcile.execute(context(settings(Map.of("git", repository.toString(), "ref", "main", "file", "nginx/absent.conf"), List.of())));
        assertThat(missing.succeeded()).isFalse();
        assertThat(missing.message()).contains("nginx/absent.conf is not in " + repository + " at main");
        assertThat(Files.readString(live)).isEqualTo("worker_processes 2;\n");
    }

    @Test
    void withFetchTheRemotesNewCommitIsTheDesiredVersion() throws Exception {
        driftedLive();
        Path origin = directory.resolve("origin.git");
        Path work = directory.resolve("work");
        Path clone = directory.resolve("clone");
        Git.init().setBare(true).setDirectory(origin.toFile()).setInitialBranch("main").call().close();
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            git.remoteAdd().setName("origin").setUri(new org.eclipse.jgit.transport.URIish(origin.toUri().toString())).call();
            commit(git, work, "nginx.conf", "worker_processes 1;\n", "first");
            git.push().setRemote("origin").add("main").call();
            Git.cloneRepository().setURI(origin.toUri().toString()).setDirectory(clone.toFile()).call().close();
            commit(git, work, "nginx.conf", DESIRED, "second");
            git.push().setRemote("origin").add("main").call();
        }
        Map<String, Object> desired = Map.of("git", clone.toString(), "ref", "origin/main", "file", "nginx.conf", "fetch", "true");
        ActionResult result = new ReconcileAction().execute(context(settings(desired, List.of())));
        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(Files.readString(live)).isEqualTo(DESIRED);
    }

    @Test
    void theDesiredFileMustStayInsideItsDirectory() throws Exception {
        driftedLive();
        Path desired = Files.createDirectories(directory.resolve("desired"));
        Path secret = Files.writeString(directory.resolve("shadow"), "root:x:0:0\n");
        Files.createSymbolicLink(desired.resolve("nginx.conf"), secret);
        ActionResult result = new ReconcileAction().execute(context(settings(Map.of("directory", desired.toString(), "file", "nginx.conf"), List.of())));
        assertThat(result.succeeded()).isFalse();
        assertThat(result.message()).contains("leads outside");
        assertThat(Files.readString(live)).isEqualTo(DRIFTED);
    }

    @Test
    void aResourceConfigDoesNotListIsNotApplicableAndBadSettingsNameTheirPaths() throws Exception {
        driftedLive();
        ActionResult result = new ReconcileAction().execute(new TestActionContext("file:other.conf", Map.of(),
                settings(fromDirectory(), List.of()), Duration.ofSeconds(5)));
        assertThat(result.applicable()).isFalse();

        List<String> problems = new ReconcileAction().validate(new PluginSettings("plugins.settings.config", Map.of("files", Map.of(
                "file:a", Map.of("path", "relative.conf", "desired", Map.of("directory", "/srv", "file", "a")),
                "file:b", Map.of("path", "/etc/b.conf", "desired", Map.of("directory", "/srv", "git", "/repo", "file", "b")),
                "file:c", Map.of("path", "/etc/c.conf", "desired", Map.of("directory", "/srv", "file", "../etc/shadow"))))));
        assertThat(problems).containsExactlyInAnyOrder(
                "plugins.settings.config.files.\"file:a\".path must be an absolute path, was 'relative.conf'",
                "plugins.settings.config.files.\"file:b\".desired needs exactly one of directory or git",
                "plugins.settings.config.files.\"file:c\".desired.file must be a path inside the directory or repository, was '../etc/shadow'");
    }

    @Test
    void theDriftCollectorComparesHashesAndFailsWhenTheDesiredVersionCannotBeRead() throws Exception {
        driftedLive();
        Map<String, Object> desired = fromDirectory();
        PluginSettings target = new PluginSettings("collectors.targets[0].settings", Map.of("path", live.toString(), "desired", desired));
        DriftCollector collector = new DriftCollector();
        assertThat(collector.validate(target)).isEmpty();

        Reading drifted = collector.collect(collectorContext(target)).get(0);
        assertThat(drifted.metric()).isEqualTo("config.drift");
        assertThat(drifted.value()).isEqualTo(1.0);
        assertThat(drifted.labels()).containsEntry("liveSha256", Hashes.shortly(Hashes.sha256(DRIFTED.getBytes())));

        Files.writeString(live, DESIRED);
        assertThat(collector.collect(collectorContext(target)).get(0).value()).isEqualTo(0.0);

        Files.delete(live);
        assertThat(collector.collect(collectorContext(target)).get(0).labels()).containsEntry("liveSha256", "missing");

        Files.delete(directory.resolve("desired/nginx/nginx.conf"));
        assertThatThrownBy(() -> collector.collect(collectorContext(target))).isInstanceOf(IOException.class);
    }

    private static CollectorContext collectorContext(PluginSettings target) {
        return new io.homeostat.plugin.api.testing.TestCollectorContext("file:nginx.conf", target, Duration.ofSeconds(10));
    }

    private static void commit(Git git, Path workTree, String file, String content, String message) throws Exception {
        Path path = workTree.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
        git.add().addFilepattern(file).call();
        PersonIdent who = new PersonIdent("Homeostat test", "test@example.invalid");
        git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
    }
}
