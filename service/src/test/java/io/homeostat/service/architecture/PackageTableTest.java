package io.homeostat.service.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The map is tested: docs/ARCHITECTURE.md's "Packages of the service" table says which packages
 * each package may use, and this test holds the compiled code to it. A dependency the table does
 * not allow fails with the class, the class it uses and the row to change; so does a package of
 * the code that the table does not list. Code and table are changed together, on purpose.
 */
class PackageTableTest {
    private static final String ROOT = "io.homeostat.service";
    private static final Pattern ROW = Pattern.compile("^\\| (`[a-z.]+`|\\(root\\)) \\|.*\\| ([^|]+) \\|$");

    /** The table: package (relative to the root; "" for the root) → packages it may use, or null for everything. */
    static Map<String, Set<String>> table() throws Exception {
        Path doc = Path.of(System.getProperty("homeostat.project.dir", ".."), "docs", "ARCHITECTURE.md");
        Map<String, Set<String>> table = new LinkedHashMap<>();
        boolean inSection = false;
        for (String line : Files.readAllLines(doc)) {
            if (line.startsWith("## ")) {
                inSection = line.startsWith("## Packages of the service");
                continue;
            }
            Matcher row = ROW.matcher(line.strip());
            if (!inSection || !row.matches()) {
                continue;
            }
            String name = row.group(1).equals("(root)") ? "" : row.group(1).replace("`", "");
            String mayUse = row.group(2).strip();
            if (mayUse.equals("everything")) {
                table.put(name, null);
                continue;
            }
            Set<String> allowed = new LinkedHashSet<>();
            // "facts (PolicySettings), plugin-api" → facts, plugin-api; "nothing" and "Drools annotations only" → none of ours.
            for (String part : mayUse.replaceAll("\\([^)]*\\)", "").split(",")) {
                String word = part.strip();
                if (word.isEmpty() || word.equals("nothing") || word.startsWith("Drools")) {
                    continue;
                }
                allowed.add(switch (word) {
                    case "facts" -> "engine.facts";
                    case "root" -> "";
                    case "helpers" -> "engine.helpers";
                    default -> word;
                });
            }
            table.put(name, allowed);
        }
        return table;
    }

    private static String packageOf(JavaClass type) {
        String name = type.getPackageName();
        if (name.equals(ROOT)) {
            return "";
        }
        if (name.startsWith(ROOT + ".")) {
            return name.substring(ROOT.length() + 1);
        }
        if (name.startsWith("io.homeostat.plugin.api")) {
            return "plugin-api";
        }
        return null;
    }

    @Test
    void theCodeUsesOnlyWhatTheTableAllows() throws Exception {
        Map<String, Set<String>> table = table();
        assertThat(table).as("rows read from docs/ARCHITECTURE.md").containsKeys("", "engine", "engine.facts", "resources", "store");
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
        Set<String> unlisted = new TreeSet<>();
        List<String> violations = new ArrayList<>();
        for (JavaClass type : classes) {
            String from = packageOf(type);
            if (!table.containsKey(from)) {
                unlisted.add(from);
                continue;
            }
            Set<String> allowed = table.get(from);
            if (allowed == null) {
                continue;
            }
            for (Dependency dependency : type.getDirectDependenciesFromSelf()) {
                String to = packageOf(dependency.getTargetClass());
                if (to == null || to.equals(from) || allowed.contains(to)) {
                    continue;
                }
                violations.add(from + " → " + to + ": " + dependency.getDescription());
            }
        }
        assertThat(unlisted).as("packages missing from docs/ARCHITECTURE.md's table").isEmpty();
        assertThat(violations.stream().distinct().toList()).as("dependencies docs/ARCHITECTURE.md's table does not allow "
                + "(change the code, or the row's 'may use' on purpose)").isEmpty();
    }

    /**
     * Resources may read facts (statistics, tenant policy) to show them, but build none: an operator's
     * command enters the engine as an {@code EngineInput} value, and only the engine makes facts of it.
     */
    @Test
    void resourcesBuildNoRuleFacts() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT + ".resources");
        List<String> built = new ArrayList<>();
        for (JavaClass type : classes) {
            type.getConstructorCallsFromSelf().stream()
                    .filter(call -> call.getTargetOwner().getPackageName().equals(ROOT + ".engine.facts"))
                    .forEach(call -> built.add(call.getDescription()));
            type.getMethodCallsFromSelf().stream()
                    .filter(call -> call.getTargetOwner().getPackageName().equals(ROOT + ".engine.facts"))
                    // A static factory (Proposal.manual): static, and returns a fact. Static arithmetic is not building one.
                    .filter(call -> call.getTarget().getRawReturnType().getPackageName().equals(ROOT + ".engine.facts"))
                    .filter(call -> call.getTarget().resolveMember().map(m -> m.getModifiers().contains(
                            com.tngtech.archunit.core.domain.JavaModifier.STATIC)).orElse(false))
                    .forEach(call -> built.add(call.getDescription()));
        }
        assertThat(built).as("rule facts constructed in resources (send an EngineInput to the Inbox instead)").isEmpty();
    }
}
