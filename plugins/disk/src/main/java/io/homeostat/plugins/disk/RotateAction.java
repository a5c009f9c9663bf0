package io.homeostat.plugins.disk;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.RemediationAction;
import io.homeostat.plugin.api.RiskLevel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.pf4j.Extension;

/**
 * {@code disk.rotate}: for each file matching a directory's {@code rotate} glob and at least
 * {@code rotateMinKib} large, writes a gzip copy beside it ({@code <name>.<remediation>.gz}, written to a
 * temporary name and renamed, so a crash never leaves a torn archive under the final name), then
 * truncates the file in place (logrotate's copytruncate: the process writing it keeps its open file).
 * Lines written between the end of the copy and the truncation are lost, as with copytruncate. The
 * remediation id in the archive's name makes the action idempotent: a file already rotated by this
 * attempt is not rotated again. Nothing is lost, so there is nothing to roll back: irreversible.
 */
@Extension
public class RotateAction implements RemediationAction {
    static final String ID = "disk.rotate";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public ActionMetadata metadata() {
        return new ActionMetadata("Gzip the resource's large log files beside themselves and truncate them in place (copytruncate)",
                RiskLevel.LOW, 0.2, false, Set.of("disk_full", "disk_exhaustion"), 0.7);
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
        String tag = tag(context.remediationId());
        List<String> rotated = new ArrayList<>();
        long[] bytes = new long[2];
        int[] counts = new int[3];
        List<String> problems = new ArrayList<>();
        for (AllowedDirectory directory : directories) {
            PathMatcher rotate = directory.rotateMatcher();
            try (SafeTree tree = SafeTree.open(directory)) {
                tree.walk(directory.maxDepth(), (parent, name, relative, attributes) -> {
                    if (context.remaining().isZero()) {
                        return false;
                    }
                    String file = name.toString();
                    // Never an archive (of this or an earlier rotation), whatever the glob says.
                    if (file.endsWith(".gz") || file.endsWith(".partial") || !rotate.matches(name)
                            || attributes.size() < directory.rotateMinBytes()) {
                        return true;
                    }
                    Path archive = Path.of(name + "." + tag + ".gz");
                    if (exists(parent, archive)) {
                        counts[1]++;
                        return true;
                    }
                    if (!dryRun) {
                        try {
                            long[] sizes = rotate(parent, name, archive);
                            bytes[0] += sizes[0];
                            bytes[1] += sizes[1];
                        } catch (IOException e) {
                            counts[2]++;
                            context.logger().warn("could not rotate " + directory.name() + "/" + relative + ": " + e.getMessage());
                            return true;
                        }
                    } else {
                        bytes[0] += attributes.size();
                    }
                    counts[0]++;
                    if (rotated.size() < CleanupAction.LISTED) {
                        rotated.add(directory.name() + "/" + relative);
                    }
                    return true;
                });
                counts[2] += tree.unreadable();
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("dryRun", Boolean.toString(dryRun));
        details.put("directories", String.join(",", directories.stream().map(AllowedDirectory::name).toList()));
        details.put(dryRun ? "wouldRotate" : "rotated", Integer.toString(counts[0]));
        details.put("files", String.join(",", rotated));
        details.put("alreadyRotated", Integer.toString(counts[1]));
        details.put("failed", Integer.toString(counts[2]));
        details.put("originalBytes", Long.toString(bytes[0]));
        if (!dryRun) {
            details.put("archivedBytes", Long.toString(bytes[1]));
            details.put("freedBytes", Long.toString(bytes[0] - bytes[1]));
        }
        if (!problems.isEmpty()) {
            return ActionResult.failure(String.join("; ", problems), details);
        }
        if (counts[0] == 0 && counts[1] == 0 && counts[2] > 0) {
            return ActionResult.failure("no file could be rotated: " + counts[2] + " failed", details);
        }
        return ActionResult.success((dryRun ? "dry run: would rotate " : "rotated ") + counts[0] + " file(s) of " + bytes[0] + " bytes"
                + (dryRun ? "" : " into " + bytes[1] + " gzipped") + (counts[1] > 0 ? "; " + counts[1] + " already rotated by this attempt" : "")
                + (counts[2] > 0 ? "; " + counts[2] + " failed" : ""), details);
    }

    /** A restarted attempt rotates what this attempt had not rotated yet (the archive names say which). */
    @Override
    public Optional<ActionResult> reconcile(ActionContext context, Instant startedAt) throws Exception {
        return Optional.of(execute(context));
    }

    /** Copies {@code name} into a gzip archive, renames the archive into place, truncates the file; returns {original, archived} bytes. */
    private static long[] rotate(SecureDirectoryStream<Path> parent, Path name, Path archive) throws IOException {
        Path partial = Path.of(archive + ".partial");
        try {
            parent.deleteFile(partial);
        } catch (NoSuchFileException absent) {
            // the usual case: no earlier attempt died half-way
        }
        long copied;
        long archived;
        try (SeekableByteChannel source = parent.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
             SeekableByteChannel target = parent.newByteChannel(partial,
                     Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS))) {
            InputStream in = Channels.newInputStream(source);
            OutputStream out = Channels.newOutputStream(target);
            GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024);
            copied = in.transferTo(gzip);
            gzip.finish();
            gzip.flush();
            if (target instanceof FileChannel file) {
                file.force(true);
            }
            archived = target.size();
        }
        parent.move(partial, parent, archive);
        try (SeekableByteChannel file = parent.newByteChannel(name, Set.of(StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))) {
            file.truncate(0);
        }
        return new long[] {copied, archived};
    }

    private static boolean exists(SecureDirectoryStream<Path> parent, Path name) {
        try {
            parent.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The archive suffix: the first 12 letters and digits of the remediation id (its idempotency key). */
    static String tag(String remediationId) {
        String clean = remediationId.replaceAll("[^A-Za-z0-9]", "");
        return clean.isEmpty() ? "manual" : clean.substring(0, Math.min(12, clean.length()));
    }
}
