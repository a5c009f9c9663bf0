package io.homeostat.service.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Builds plugin jars for tests by copying a jar the build produced with a changed manifest or contents. */
public final class PluginJars {
    private PluginJars() {
    }

    /** The shipped jar of a plugin module, e.g. {@code process}. */
    public static Path shipped(String module) throws IOException {
        try (var files = Files.list(TestApp.shippedPlugins())) {
            return files.filter(path -> path.getFileName().toString().startsWith("homeostat-plugin-" + module + "-"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no " + module + " plugin jar: build with ./mvnw verify"));
        }
    }

    /**
     * Copies {@code source} to {@code target}, replacing manifest attributes and keeping only the
     * entries {@code keep} accepts.
     */
    public static Path copy(Path source, Path target, Map<String, String> manifest, Predicate<String> keep) throws IOException {
        try (JarFile jar = new JarFile(source.toFile())) {
            Manifest changed = new Manifest(jar.getManifest());
            Attributes attributes = changed.getMainAttributes();
            manifest.forEach((name, value) -> attributes.put(new Attributes.Name(name), value));
            try (OutputStream file = Files.newOutputStream(target); JarOutputStream out = new JarOutputStream(file, changed)) {
                for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                    JarEntry entry = entries.nextElement();
                    if (entry.getName().equals(JarFile.MANIFEST_NAME) || !keep.test(entry.getName())) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream in = jar.getInputStream(entry)) {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
        return target;
    }
}
