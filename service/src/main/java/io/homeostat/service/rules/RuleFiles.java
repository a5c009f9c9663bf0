package io.homeostat.service.rules;

import io.homeostat.service.engine.RuleBaseCompiler.RuleSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Rule files on disk: writing a stored version back (rollback) and turning sources into a name → text map. */
public final class RuleFiles {
    private RuleFiles() {
    }

    public static Map<String, String> asMap(Iterable<RuleSource> sources) {
        Map<String, String> files = new TreeMap<>();
        sources.forEach(source -> files.put(source.name(), source.content()));
        return files;
    }

    /**
     * Makes the directory hold exactly {@code files}: each is written to a temporary file and moved
     * into place (a watcher never sees half a file), and rule files (*.drl, *.csv) not in the set are deleted.
     */
    public static void writeExactly(Path directory, Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path target = directory.resolve(file.getKey()).normalize();
            if (!target.startsWith(directory.normalize())) {
                throw new IOException("rule file name leaves the rules directory: " + file.getKey());
            }
            Files.createDirectories(target.getParent());
            Path temporary = target.resolveSibling("." + target.getFileName() + ".tmp");
            Files.writeString(temporary, file.getValue(), StandardCharsets.UTF_8);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        Set<String> keep = files.keySet();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path path : walk.filter(Files::isRegularFile)
                    .filter(p -> io.homeostat.service.engine.RuleBaseCompiler.isRulePath(directory, p)).toList()) {
                String name = directory.relativize(path).toString().replace('\\', '/');
                if (!keep.contains(name)) {
                    Files.delete(path);
                }
            }
        }
    }
}
