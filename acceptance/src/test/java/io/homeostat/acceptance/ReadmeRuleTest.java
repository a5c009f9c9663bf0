package io.homeostat.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's example rule, pasted into a file beside the shipped rules as written, compiles:
 * checked with the packaged service's own {@code rules validate} command.
 */
class ReadmeRuleTest {
    private static final Path PROJECT = Path.of(System.getProperty("homeostat.project.dir", ".."));

    @TempDir
    Path rules;

    @Test
    void theExampleRuleCompilesAsWritten() throws Exception {
        String readme = Files.readString(PROJECT.resolve("README.md"));
        int section = readme.indexOf("## Writing a rule");
        Matcher block = Pattern.compile("```\\n(.*?)```", Pattern.DOTALL).matcher(readme.substring(section));
        assertThat(block.find()).as("README shows a rule").isTrue();
        String rule = block.group(1);
        assertThat(rule).contains("rule \"");
        try (var shipped = Files.list(PROJECT.resolve("rules"))) {
            for (Path file : shipped.filter(path -> path.toString().endsWith(".drl") || path.toString().endsWith(".csv")).toList()) {
                Files.copy(file, rules.resolve(file.getFileName()));
            }
        }
        Files.writeString(rules.resolve("tls.drl"), rule);
        Path output = Files.createTempFile("validate", ".txt");
        Process validate = new ProcessBuilder("java", "-jar", PROJECT.resolve("service/target/homeostat.jar").toString(), "rules", "validate",
                "--rules", rules.toString(), PROJECT.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(validate.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(output);
        assertThat(validate.exitValue()).as(printed).isZero();
        assertThat(printed).startsWith("valid:");
    }
}
