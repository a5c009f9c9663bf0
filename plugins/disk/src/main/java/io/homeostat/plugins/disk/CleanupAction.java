package io.homeostat.plugins.disk;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.RiskLevel;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * {@code disk.cleanup}: deletes the regular files matching a directory's {@code match} glob that were
 * last modified more than {@code olderThanDays} ago, in the resource's allowed directories only. Never
 * follows a symlink, never deletes a directory. In a dry run it lists what it would delete and deletes
 * nothing. Deleting cannot be undone: the action declares itself irreversible.
 */
@Extension
public class CleanupAction extends DiskAction {
    static final String ID = "disk.cleanup";

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
    boolean visit(AllowedDirectory directory, SecureDirectoryStream<Path> parent, Path name, Path relative, BasicFileAttributes attributes,
                  boolean dryRun, Tally tally, ActionContext context) {
        Instant cutoff = Instant.now().minus(directory.olderThan());
        if (!directory.match().matches(name) || !attributes.lastModifiedTime().toInstant().isBefore(cutoff)) {
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
    }

    @Override
    String summary(Tally tally, boolean dryRun, Map<String, String> details) {
        details.put(dryRun ? "wouldDelete" : "deleted", Integer.toString(tally.files));
        details.put(dryRun ? "wouldFreeBytes" : "freedBytes", Long.toString(tally.bytes));
        return (dryRun ? "dry run: would delete " : "deleted ") + tally.files + " file(s), " + tally.bytes + " bytes,";
    }
}
