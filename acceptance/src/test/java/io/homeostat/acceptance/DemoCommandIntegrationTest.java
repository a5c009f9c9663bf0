package io.homeostat.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The newcomer's demo as a user runs it, from the checkout with the packaged jar: {@code demo --exit}
 * starts Homeostat on a throwaway database, crashes a toy service and prints a full heal (opened,
 * decided, restarted, verified, resolved) within its time limit, then leaves no process and no
 * directory behind.
 */
class DemoCommandIntegrationTest {
    @Test
    void theDemoShowsAFullHealInUnderAMinuteAndCleansUp() throws Exception {
        Path jar = PackagedService.PROJECT.resolve("service/target/homeostat.jar").toAbsolutePath();
        assertThat(jar).exists();
        Process demo = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString(), "demo", "--exit",
                "--timeout", "60").directory(PackagedService.PROJECT.toFile()).redirectErrorStream(true).start();
        boolean ended = demo.waitFor(150, TimeUnit.SECONDS);
        if (!ended) {
            demo.destroyForcibly();
        }
        String output = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ended).as(output).isTrue();
        assertThat(demo.exitValue()).as(output).isZero();

        List<String> steps = List.of("Homeostat is up", "crashing the toy service: kill -9", "opened: service_down on service:toy",
                "decision: run process.restart", "remediation succeeded: restarted", "verified: the toy service answers again", "resolved, ");
        int at = 0;
        for (String step : steps) {
            int found = output.indexOf(step, at);
            assertThat(found).as("'" + step + "' after the steps before it in:\n" + output).isGreaterThanOrEqualTo(0);
            at = found;
        }
        Matcher healed = Pattern.compile("Healed in ([0-9.]+) s").matcher(output);
        assertThat(healed.find()).as(output).isTrue();
        assertThat(Double.parseDouble(healed.group(1))).as("seconds from the crash to resolved").isLessThan(60.0);

        Matcher directory = Pattern.compile("throwaway database in (\\S+)").matcher(output);
        assertThat(directory.find()).as(output).isTrue();
        assertThat(Path.of(directory.group(1))).as("the throwaway directory is removed").doesNotExist();
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("io.homeostat.service.cli.ToyService")))
                .as("no toy service left running").isEmpty();
    }
}
