package io.homeostat.plugins.disk;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * An allowed directory, walked and changed only through open directory handles
 * ({@link SecureDirectoryStream}: openat/unlinkat on Linux). Every name is looked up relative to its
 * parent's handle without following links, so a symlink planted in the tree, or a directory swapped
 * for a symlink while the walk runs, can never make an action read, delete or truncate anything
 * outside the directory: symlinks are counted and left alone.
 */
final class SafeTree implements Closeable {
    /** What the walk found: a regular file, in the handle of the directory that holds it. */
    interface Visitor {
        /** @return false to stop the walk */
        boolean file(SecureDirectoryStream<Path> parent, Path name, Path relative, BasicFileAttributes attributes) throws IOException;
    }

    private final SecureDirectoryStream<Path> root;
    private int skippedLinks;
    private int unreadable;

    private SafeTree(SecureDirectoryStream<Path> root) {
        this.root = root;
    }

    /** Opens the directory; refuses one that is missing, not a directory, or reached through a symlink. */
    static SafeTree open(AllowedDirectory directory) throws IOException {
        Path path = directory.root();
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(directory.name() + " (" + path + ") is not a directory" + (Files.isSymbolicLink(path) ? " but a symlink" : ""));
        }
        if (!path.toRealPath().equals(path)) {
            throw new IOException(directory.name() + " (" + path + ") goes through a symlink (it is " + path.toRealPath()
                    + "); allow the real path instead");
        }
        DirectoryStream<Path> stream = Files.newDirectoryStream(path);
        if (!(stream instanceof SecureDirectoryStream<Path> secure)) {
            stream.close();
            throw new IOException("this platform cannot walk " + path + " without following links (no SecureDirectoryStream); refused");
        }
        return new SafeTree(secure);
    }

    SecureDirectoryStream<Path> root() {
        return root;
    }

    /** Visits the regular files down to {@code maxDepth} directories below the root (0: only the root's own). */
    void walk(int maxDepth, Visitor visitor) throws IOException {
        walk(root, Path.of(""), 0, maxDepth, visitor);
    }

    private boolean walk(SecureDirectoryStream<Path> directory, Path relative, int depth, int maxDepth, Visitor visitor) throws IOException {
        // Names first, then the work: changing a directory while its stream is iterated is unspecified.
        List<Path> names = new ArrayList<>();
        for (Path entry : directory) {
            names.add(entry.getFileName());
        }
        names.sort(null);
        for (Path name : names) {
            BasicFileAttributes attributes;
            try {
                attributes = directory.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
            } catch (IOException e) {
                unreadable++;
                continue;
            }
            if (attributes.isSymbolicLink()) {
                skippedLinks++;
            } else if (attributes.isDirectory()) {
                if (depth < maxDepth) {
                    SecureDirectoryStream<Path> child;
                    try {
                        // NOFOLLOW_LINKS: a directory swapped for a symlink since its attributes were read fails here.
                        child = directory.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
                    } catch (IOException e) {
                        unreadable++;
                        continue;
                    }
                    try (child) {
                        if (!walk(child, relative.resolve(name), depth + 1, maxDepth, visitor)) {
                            return false;
                        }
                    }
                }
            } else if (attributes.isRegularFile()) {
                if (!visitor.file(directory, name, relative.resolve(name), attributes)) {
                    return false;
                }
            }
        }
        return true;
    }

    int skippedLinks() {
        return skippedLinks;
    }

    int unreadable() {
        return unreadable;
    }

    @Override
    public void close() throws IOException {
        root.close();
    }
}
