package io.homeostat.plugins.config;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.RemediationAction;
import io.homeostat.plugin.api.RiskLevel;
import io.homeostat.plugin.support.AtomicFiles;
import io.homeostat.plugin.support.Commands;
import io.homeostat.plugin.support.FileBackups;
import io.homeostat.plugin.support.Hashes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * {@code config.reconcile}: writes a drifted file's desired version over it (atomically, keeping its
 * permissions) and runs its reload command. The drifted copy is the snapshot (kept on disk, see
 * {@link #backups}); rollback writes it back and reloads again. A file that already matches is a success
 * that changes nothing, so a retried or restarted attempt does no harm. Messages quote hashes, never
 * contents.
 */
@Extension
public class ReconcileAction implements RemediationAction {
    @Override
    public String id() {
        return "config.reconcile";
    }

    @Override
    public ActionMetadata metadata() {
        return new ActionMetadata("Write a drifted configuration file's desired version over it, then run its reload command",
                RiskLevel.MEDIUM, 1.0, true, Set.of("config_drift"), 0.8);
    }

    @Override
    public List<String> validate(PluginSettings settings) {
        List<String> problems = new ArrayList<>(ConfigFile.validate(settings));
        try {
            backups(settings);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    @Override
    public Optional<String> snapshot(ActionContext context) throws Exception {
        Optional<ConfigFile> file = ConfigFile.of(context.settings(), context.resource());
        if (file.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(backups(context.settings()).save(List.of(file.get().path()), context.remediationId()).encode());
    }

    @Override
    public ActionResult execute(ActionContext context) throws Exception {
        Optional<ConfigFile> found = ConfigFile.of(context.settings(), context.resource());
        if (found.isEmpty()) {
            return ActionResult.notApplicable("resource " + context.resource() + " is not under " + context.settings().path()
                    + ".files; nothing was written", Map.of());
        }
        ConfigFile file = found.get();
        Desired desired;
        try {
            desired = file.desired().read(context.remaining());
        } catch (IOException e) {
            return ActionResult.failure("the desired version of " + file.path() + " could not be read: " + e.getMessage(), Map.of());
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("path", file.path().toString());
        details.put("desired", desired.origin());
        details.put("desiredSha256", desired.sha256());
        Optional<byte[]> live = AtomicFiles.read(file.path());
        details.put("previousSha256", live.map(Hashes::sha256).orElse("absent"));
        if (live.isPresent() && Hashes.sha256(live.get()).equals(desired.sha256())) {
            return ActionResult.success(file.path() + " already matches " + desired.origin() + " (sha256 " + Hashes.shortly(desired.sha256()) + ")", details);
        }
        try {
            AtomicFiles.write(file.path(), desired.content());
        } catch (IOException e) {
            return ActionResult.failure("could not write " + file.path() + ": " + e.getMessage(), details);
        }
        String written = "wrote " + desired.origin() + " over " + file.path() + " (sha256 " + live.map(b -> Hashes.shortly(Hashes.sha256(b))).orElse("absent")
                + " → " + Hashes.shortly(desired.sha256()) + ")";
        return reload(file, written, details);
    }

    @Override
    public ActionResult rollback(ActionContext context, String snapshot) throws Exception {
        FileBackups.Entry saved = FileBackups.Snapshot.decode(snapshot).entries().get(0);
        Optional<ConfigFile> file = ConfigFile.of(context.settings(), context.resource());
        Map<String, String> details = new LinkedHashMap<>();
        details.put("path", saved.path().toString());
        if (file.isEmpty() || !file.get().path().equals(saved.path())) {
            return ActionResult.failure("the snapshot is of " + saved.path() + ", which config no longer lists for " + context.resource()
                    + "; nothing restored", details);
        }
        FileBackups.restore(new FileBackups.Snapshot(List.of(saved)));
        String restored = saved.existed()
                ? "restored " + saved.path() + " as it was before " + context.remediationId() + " (sha256 " + Hashes.shortly(saved.sha256()) + ")"
                : "removed " + saved.path() + ", which did not exist before " + context.remediationId();
        return reload(file.get(), restored, details);
    }

    /**
     * The drifted copies rollback restores, under {@code backupDirectory} ({@code data/config-backups}), kept
     * {@code backupRetentionDays} (30): on disk, never in the snapshot the service stores (a configuration may hold secrets).
     */
    static FileBackups backups(PluginSettings settings) {
        return new FileBackups(Path.of(settings.string("backupDirectory").orElse("data/config-backups")),
                java.time.Duration.ofDays(settings.integer("backupRetentionDays", 30, 1, 3650)));
    }

    /** Writing is idempotent here: a restarted attempt writes what is still different, which is what is left to do. */
    @Override
    public Optional<ActionResult> reconcile(ActionContext context, Instant startedAt) throws Exception {
        return Optional.of(execute(context));
    }

    private static ActionResult reload(ConfigFile file, String done, Map<String, String> details) throws InterruptedException, IOException {
        if (file.reloadCommand().isEmpty()) {
            return ActionResult.success(done, details);
        }
        Optional<String> failed = Commands.run(file.reloadCommand(), file.reloadTimeout());
        if (failed.isPresent()) {
            details.put("reload", "failed");
            return ActionResult.failure(done + "; the reload failed: " + failed.get(), details);
        }
        details.put("reload", "ok");
        return ActionResult.success(done + "; reloaded", details);
    }
}
