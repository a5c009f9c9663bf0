package io.homeostat.plugins.disk;

import io.homeostat.plugin.api.PluginSettings;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.List;

/**
 * One directory an operator allowed the disk plugin to free space in, from
 * {@code plugins.settings.disk.directories.<name>}. Only its name ever comes from a rule; the path,
 * the age and the patterns are config.
 *
 * @param name the name rules and the resources map use
 * @param root the absolute, normalised path (symlinks are refused when the action runs)
 * @param olderThan files last modified longer ago than this are what {@code disk.cleanup} deletes
 * @param match glob on a file's name: which files {@code disk.cleanup} may delete
 * @param rotate glob on a file's name: which files {@code disk.rotate} gzips and truncates
 * @param rotateMinBytes files smaller than this are left alone by {@code disk.rotate}
 * @param maxDepth how deep below the root {@code disk.cleanup} looks (0: the root's own files)
 */
record AllowedDirectory(String name, Path root, Duration olderThan, PathMatcher match, PathMatcher rotate, long rotateMinBytes, int maxDepth) {
    /** Trees no allow-list may name: deleting or truncating there breaks the machine, whatever the age. */
    private static final List<Path> FORBIDDEN = List.of(Path.of("/proc"), Path.of("/sys"), Path.of("/dev"), Path.of("/etc"),
            Path.of("/usr"), Path.of("/bin"), Path.of("/sbin"), Path.of("/lib"), Path.of("/lib64"), Path.of("/boot"));

    static AllowedDirectory parse(PluginSettings directories, String name) {
        PluginSettings section = directories.section(name);
        String where = section.path();
        String text = section.requiredString("path");
        Path root = Path.of(text);
        if (!root.isAbsolute()) {
            throw new IllegalArgumentException(where + ".path must be an absolute path, was '" + text + "'");
        }
        for (Path part : root) {
            if (part.toString().equals("..") || part.toString().equals(".")) {
                throw new IllegalArgumentException(where + ".path must not contain '.' or '..' segments, was '" + text + "'");
            }
        }
        if (root.getNameCount() == 0) {
            throw new IllegalArgumentException(where + ".path must not be the file system's root");
        }
        for (Path forbidden : FORBIDDEN) {
            if (root.startsWith(forbidden)) {
                throw new IllegalArgumentException(where + ".path must not be under " + forbidden + ", was '" + text + "'");
            }
        }
        int days = section.integer("olderThanDays", 7, 0, 36_500);
        PathMatcher match = matcher(where + ".match", section.string("match").orElse("*"));
        PathMatcher rotate = matcher(where + ".rotate", section.string("rotate").orElse("*.log"));
        int minKib = section.integer("rotateMinKib", 1024, 0, Integer.MAX_VALUE);
        int depth = section.integer("maxDepth", 8, 0, 64);
        return new AllowedDirectory(name, root.normalize(), Duration.ofDays(days), match, rotate, minKib * 1024L, depth);
    }

    private static PathMatcher matcher(String where, String glob) {
        if (glob.contains("/")) {
            throw new IllegalArgumentException(where + " is a pattern on file names and must not contain '/', was '" + glob + "'");
        }
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is not a valid glob: " + e.getMessage());
        }
    }
}
