package io.homeostat.plugins.disk;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.RemediationAction;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What both disk actions do around their one step per file: resolve the resource's allowed
 * directories (not applicable without any), walk each through a {@link SafeTree} until the deadline,
 * count, and report. A directory that cannot be opened makes the call a failure that names it.
 */
abstract class DiskAction implements RemediationAction {
    /** One file of the walk: act on it (or, in a dry run, only count it) and return false to stop the walk. */
    abstract boolean visit(AllowedDirectory directory, SecureDirectoryStream<Path> parent, Path name, Path relative,
                           BasicFileAttributes attributes, boolean dryRun, Tally tally, ActionContext context) throws IOException;

    /** The result's message and details beyond the common ones, from the tally. */
    abstract String summary(Tally tally, boolean dryRun, Map<String, String> details);

    @Override
    public List<String> validate(PluginSettings settings) {
        return DiskTargets.validate(settings);
    }

    @Override
    public ActionResult execute(ActionContext context) throws Exception {
        List<AllowedDirectory> directories = DiskTargets.of(context);
        if (directories.isEmpty()) {
            return ActionResult.notApplicable(DiskTargets.none(context), Map.of());
        }
        boolean dryRun = DiskTargets.dryRun(context);
        int maxFiles = context.settings().integer("maxFilesPerRun", 10_000, 1, 10_000_000);
        Tally tally = new Tally();
        List<String> problems = new ArrayList<>();
        for (AllowedDirectory directory : directories) {
            try (SafeTree tree = SafeTree.open(directory)) {
                tree.walk(directory.maxDepth(), (parent, name, relative, attributes) -> {
                    if (context.remaining().isZero() || tally.files >= maxFiles) {
                        tally.stopped = true;
                        return false;
                    }
                    return visit(directory, parent, name, relative, attributes, dryRun, tally, context);
                });
                tally.links += tree.skippedLinks();
                tally.failed += tree.unreadable();
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("dryRun", Boolean.toString(dryRun));
        details.put("directories", String.join(",", directories.stream().map(AllowedDirectory::name).toList()));
        String message = summary(tally, dryRun, details);
        details.put("files", String.join(",", tally.listed));
        details.put("skippedSymlinks", Integer.toString(tally.links));
        details.put("failed", Integer.toString(tally.failed));
        details.put("stoppedEarly", Boolean.toString(tally.stopped));
        if (!problems.isEmpty()) {
            return ActionResult.failure(String.join("; ", problems), details);
        }
        if (tally.files == 0 && tally.already == 0 && tally.failed > 0) {
            return ActionResult.failure("nothing could be done: " + tally.failed + " file(s) failed", details);
        }
        return ActionResult.success(message + " in " + details.get("directories")
                + (tally.links > 0 ? "; " + tally.links + " symlink(s) left alone" : "")
                + (tally.failed > 0 ? "; " + tally.failed + " could not be read or changed" : "")
                + (tally.stopped ? "; stopped early (deadline or file limit)" : ""), details);
    }

    /** Both actions are idempotent: a restarted attempt does what is still to be done, and reports it. */
    @Override
    public Optional<ActionResult> reconcile(ActionContext context, Instant startedAt) throws Exception {
        return Optional.of(execute(context));
    }
}
