package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shipped Prometheus rules and Alertmanager configuration (deploy/) are what the real tools
 * accept: {@code promtool check rules}, {@code promtool test rules} (the alerts fire with the labels
 * the default mappings read) and {@code amtool check-config}. .ci/run installs Debian's
 * {@code prometheus} and {@code prometheus-alertmanager}; without them these are skipped, saying so.
 */
class DeployAssetsIntegrationTest {
    private static final Path DEPLOY = Path.of(System.getProperty("homeostat.project.dir", ".."), "deploy");

    static boolean installed(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String run(Path workDir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ":\n" + output).isZero();
        return output;
    }

    @Test
    void thePrometheusRulesLoadAndFireWithTheLabelsTheMappingsRead() throws Exception {
        assumeTrue(installed("promtool"), "promtool is not installed (Debian package prometheus): deploy/prometheus not checked");
        assertThat(run(DEPLOY.resolve("prometheus"), "promtool", "check", "rules", "rules.yml")).contains("SUCCESS: 8 rules found");
        assertThat(run(DEPLOY.resolve("prometheus"), "promtool", "test", "rules", "rules.test.yml")).contains("SUCCESS");
    }

    @Test
    void theAlertsAboutHomeostatItselfLoadAndFireWhenTheyShould() throws Exception {
        assertThat(installed("promtool")).as("promtool (Debian package prometheus; .ci/run installs it)").isTrue();
        assertThat(run(DEPLOY.resolve("prometheus"), "promtool", "check", "rules", "homeostat-rules.yml")).contains("SUCCESS: 12 rules found");
        assertThat(run(DEPLOY.resolve("prometheus"), "promtool", "test", "rules", "homeostat-rules.test.yml")).contains("SUCCESS");
    }

    @Test
    void theAlertmanagerConfigurationIsValidAndSendsResolvedAlerts() throws Exception {
        assumeTrue(installed("amtool"), "amtool is not installed (Debian package prometheus-alertmanager): deploy/alertmanager not checked");
        assertThat(run(DEPLOY.resolve("alertmanager"), "amtool", "check-config", "alertmanager.yml")).contains("SUCCESS");
        List<String> lines = Files.readAllLines(DEPLOY.resolve("alertmanager/alertmanager.yml"));
        assertThat(lines).as("resolved alerts are how Homeostat learns a problem went away").contains("        send_resolved: true");
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("/api/v1/alertmanager"));
    }
}
