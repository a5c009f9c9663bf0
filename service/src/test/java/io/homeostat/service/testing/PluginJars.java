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

    /**
     * Copies a plugin jar and adds the plugin API's classes to it, as a build that forgot the
     * {@code provided} scope would. {@code api} is the API's jar or classes directory.
     */
    public static Path copyWithClassesFrom(Path source, Path target, Path api) throws IOException {
        copy(source, target, Map.of(), name -> true);
        Path merged = target.resolveSibling(target.getFileName() + ".tmp");
        try (JarFile jar = new JarFile(target.toFile());
             OutputStream file = Files.newOutputStream(merged); JarOutputStream out = new JarOutputStream(file, jar.getManifest())) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                if (entry.getName().equals(JarFile.MANIFEST_NAME)) {
                    continue;
                }
                out.putNextEntry(new JarEntry(entry.getName()));
                try (InputStream in = jar.getInputStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
            if (Files.isDirectory(api)) {
                try (var files = Files.walk(api)) {
                    for (Path classFile : files.filter(path -> path.toString().endsWith(".class")).sorted().toList()) {
                        out.putNextEntry(new JarEntry(api.relativize(classFile).toString().replace('\\', '/')));
                        Files.copy(classFile, out);
                        out.closeEntry();
                    }
                }
            } else {
                try (JarFile classes = new JarFile(api.toFile())) {
                    for (Enumeration<JarEntry> entries = classes.entries(); entries.hasMoreElements(); ) {
                        JarEntry entry = entries.nextElement();
                        if (!entry.getName().endsWith(".class")) {
                            continue;
                        }
                        out.putNextEntry(new JarEntry(entry.getName()));
                        try (InputStream in = classes.getInputStream(entry)) {
                            in.transferTo(out);
                        }
                        out.closeEntry();
                    }
                }
            }
        }
        Files.move(merged, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return target;
    }
}
