package io.homeostat.plugin.support;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Replacing a file so that a reader sees the old content or the new, never half of either: a temporary
 * file beside it (same file system) with the old file's permissions, owner and group, written and
 * synced, then renamed over it, then the directory synced. A link is followed: the file it points at is
 * replaced, and the link stays.
 */
public final class AtomicFiles {
    private static final Set<PosixFilePermission> NEW_FILE = PosixFilePermissions.fromString("rw-r-----");

    private AtomicFiles() {
    }

    /** The file's bytes, or empty when there is no such file. */
    public static Optional<byte[]> read(Path path) throws IOException {
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        return Optional.of(Files.readAllBytes(path));
    }

    /** Replaces the file; a file that did not exist is created rw-r-----. */
    public static void write(Path path, byte[] content) throws IOException {
        write(path, content, NEW_FILE);
    }

    /** Replaces the file keeping its permissions; a file that did not exist is created with {@code forNewFile} (a private key: rw-------). */
    public static void write(Path path, byte[] content, Set<PosixFilePermission> forNewFile) throws IOException {
        Path target = Files.exists(path) ? path.toRealPath() : path;
        Path directory = target.toAbsolutePath().getParent();
        Optional<PosixFileAttributes> old = Files.exists(target)
                ? Optional.of(Files.readAttributes(target, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)) : Optional.empty();
        Path temporary = Files.createTempFile(directory, "." + target.getFileName() + ".", ".homeostat",
                PosixFilePermissions.asFileAttribute(old.map(PosixFileAttributes::permissions).orElse(forNewFile)));
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (old.isPresent()) {
                // The umask may have narrowed the permissions at creation; owner and group need root to change, else stay ours.
                Files.setPosixFilePermissions(temporary, old.get().permissions());
                PosixFileAttributeView view = Files.getFileAttributeView(temporary, PosixFileAttributeView.class);
                try {
                    view.setGroup(old.get().group());
                    view.setOwner(old.get().owner());
                } catch (IOException | SecurityException e) {
                    // Not root: the file keeps our owner, as an editor saving it would leave it.
                }
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically: " + e.getMessage(), e);
            }
        } finally {
            // After a failed write or move (a full disk): no half-written file left beside the real one.
            Files.deleteIfExists(temporary);
        }
        syncDirectory(directory);
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the rename itself is done.
        }
    }
}
