package io.homeostat.plugins.disk;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.RiskLevel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
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
public class RotateAction extends DiskAction {
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
    boolean visit(AllowedDirectory directory, SecureDirectoryStream<Path> parent, Path name, Path relative, BasicFileAttributes attributes,
                  boolean dryRun, Tally tally, ActionContext context) {
        String file = name.toString();
        // Never an archive (of this or an earlier rotation), whatever the glob says.
        if (file.endsWith(".gz") || file.endsWith(".partial") || !directory.rotate().matches(name)
                || attributes.size() < directory.rotateMinBytes()) {
            return true;
        }
        Path archive = Path.of(file + "." + tag(context.remediationId()) + ".gz");
        if (exists(parent, archive)) {
            tally.already++;
            return true;
        }
        if (dryRun) {
            tally.add(directory.name() + "/" + relative, attributes.size());
            return true;
        }
        try {
            long[] sizes = rotate(parent, name, archive);
            tally.add(directory.name() + "/" + relative, sizes[0]);
            tally.archivedBytes += sizes[1];
            context.logger().info("rotated " + directory.name() + "/" + relative + ": " + sizes[0] + " bytes into " + archive + " (" + sizes[1] + " bytes)");
        } catch (IOException e) {
            tally.failed++;
            context.logger().warn("could not rotate " + directory.name() + "/" + relative + ": " + e.getMessage());
        }
        return true;
    }

    @Override
    String summary(Tally tally, boolean dryRun, Map<String, String> details) {
        details.put(dryRun ? "wouldRotate" : "rotated", Integer.toString(tally.files));
        details.put("alreadyRotated", Integer.toString(tally.already));
        details.put("originalBytes", Long.toString(tally.bytes));
        if (!dryRun) {
            details.put("archivedBytes", Long.toString(tally.archivedBytes));
            details.put("freedBytes", Long.toString(tally.bytes - tally.archivedBytes));
        }
        return (dryRun ? "dry run: would rotate " : "rotated ") + tally.files + " file(s) of " + tally.bytes + " bytes"
                + (dryRun ? "" : " into " + tally.archivedBytes + " gzipped")
                + (tally.already > 0 ? "; " + tally.already + " already rotated by this attempt" : "") + ",";
    }

    /** Copies {@code name} into a gzip archive, renames the archive into place, truncates the file; returns {original, archived} bytes. */
    private static long[] rotate(SecureDirectoryStream<Path> parent, Path name, Path archive) throws IOException {
        Path partial = Path.of(archive + ".partial");
        try {
            parent.deleteFile(partial);
        } catch (NoSuchFileException absent) {
            // the usual case: no earlier attempt died half-way
        }
        long[] sizes;
        try {
            sizes = gzip(parent, name, partial);
        } catch (IOException e) {
            // Most often the disk this is meant to free is full: the half-written archive must not take what is left.
            try {
                parent.deleteFile(partial);
            } catch (IOException ignored) {
                // gone already, or the delete fails too: the next attempt deletes it first
            }
            throw e;
        }
        parent.move(partial, parent, archive);
        try (SeekableByteChannel file = parent.newByteChannel(name, Set.of(StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))) {
            file.truncate(0);
        }
        return sizes;
    }

    /** Writes {@code name} gzipped to {@code partial}, synced; returns {original, archived} bytes. */
    private static long[] gzip(SecureDirectoryStream<Path> parent, Path name, Path partial) throws IOException {
        try (SeekableByteChannel source = parent.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
             SeekableByteChannel target = parent.newByteChannel(partial,
                     Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS))) {
            InputStream in = Channels.newInputStream(source);
            GZIPOutputStream gzip = new GZIPOutputStream(Channels.newOutputStream(target), 64 * 1024);
            long copied = in.transferTo(gzip);
            gzip.finish();
            gzip.flush();
            if (target instanceof FileChannel file) {
                file.force(true);
            }
            return new long[] {copied, target.size()};
        }
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
