package io.homeostat.plugins.disk;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.RemediationAction;
import io.homeostat.plugin.api.RiskLevel;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * {@code disk.cleanup}: deletes the regular files matching a directory's {@code match} glob that were
 * last modified more than {@code olderThanDays} ago, in the resource's allowed directories only. Never
 * follows a symlink, never deletes a directory. In a dry run it lists what it would delete and deletes
 * nothing. Deleting cannot be undone: the action declares itself irreversible.
 */
@Extension
public class CleanupAction implements RemediationAction {
    static final String ID = "disk.cleanup";
    /** At most this many deleted (or, in a dry run, to-be-deleted) names in the result. */
    static final int LISTED = 20;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public ActionMetadata metadata() {
        return new ActionMetadata("Delete old files under the resource's allow-listed directories (never outside them, never through a symlink)",
                RiskLevel.MEDIUM, 0.5, false, Set.of("disk_full", "disk_exhaustion"), 0.6);
    }

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
            Instant cutoff = Instant.now().minus(directory.olderThan());
            PathMatcher match = directory.matchMatcher();
            try (SafeTree tree = SafeTree.open(directory)) {
                tree.walk(directory.maxDepth(), (parent, name, relative, attributes) -> {
                    if (context.remaining().isZero() || tally.files >= maxFiles) {
                        tally.stopped = true;
                        return false;
                    }
                    if (!match.matches(name) || !attributes.lastModifiedTime().toInstant().isBefore(cutoff)) {
                        return true;
                    }
                    if (!dryRun) {
                        try {
                            parent.deleteFile(name);
                        } catch (NoSuchFileException gone) {
                            return true;
                        } catch (IOException e) {
                            tally.failed++;
                            return true;
                        }
                    }
                    tally.add(directory.name() + "/" + relative, attributes.size());
                    return true;
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
        details.put(dryRun ? "wouldDelete" : "deleted", Integer.toString(tally.files));
        details.put(dryRun ? "wouldFreeBytes" : "freedBytes", Long.toString(tally.bytes));
        details.put("files", String.join(",", tally.listed));
        details.put("skippedSymlinks", Integer.toString(tally.links));
        details.put("failed", Integer.toString(tally.failed));
        details.put("stoppedEarly", Boolean.toString(tally.stopped));
        if (!problems.isEmpty()) {
            return ActionResult.failure(String.join("; ", problems), details);
        }
        String what = (dryRun ? "dry run: would delete " : "deleted ") + tally.files + " file(s), " + tally.bytes + " bytes, in "
                + details.get("directories") + (tally.links > 0 ? "; " + tally.links + " symlink(s) left alone" : "")
                + (tally.failed > 0 ? "; " + tally.failed + " could not be deleted or read" : "")
                + (tally.stopped ? "; stopped early (deadline or maxFilesPerRun)" : "");
        return ActionResult.success(what, details);
    }

    /** Deleting is idempotent: a restarted attempt deletes what is still there and past its age, and reports it. */
    @Override
    public Optional<ActionResult> reconcile(ActionContext context, Instant startedAt) throws Exception {
        return Optional.of(execute(context));
    }

    private static final class Tally {
        int files;
        long bytes;
        int links;
        int failed;
        boolean stopped;
        final List<String> listed = new ArrayList<>();

        void add(String name, long size) {
            files++;
            bytes += size;
            if (listed.size() < LISTED) {
                listed.add(name);
            }
        }
    }
}
