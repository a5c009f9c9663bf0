package io.homeostat.service.rules;

import io.homeostat.service.testing.TestPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.service.engine.RuleBase;
import io.homeostat.service.engine.RuleBaseCompiler;
import io.homeostat.service.engine.facts.PolicySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped scenarios pass (this is how CI runs `rules test`), and a wrong expectation fails with a readable difference. */
class ScenarioRunnerTest {
    private static final Path RULES = Path.of(System.getProperty("homeostat.rules.dir", "../rules"));
    private static RuleBase shipped;

    @BeforeAll
    static void compile() throws Exception {
        shipped = new RuleBaseCompiler().compile(RULES);
    }

    @Test
    void everyShippedScenarioPasses() throws Exception {
        List<ScenarioRunner.Result> results = new ScenarioRunner(shipped, TestPolicy.trusted()).runAll(RULES.resolve("scenarios"));
        assertThat(results).hasSizeGreaterThanOrEqualTo(28);
        assertThat(results).allSatisfy(result -> assertThat(result.differences()).as(result.file()).isEmpty());
        assertThat(results).extracting(ScenarioRunner.Result::file).contains("service-down.yaml", "high-cpu.yaml", "high-memory.yaml",
                "disk-full.yaml", "high-latency.yaml", "slow-query.yaml", "cert-expiring.yaml", "queue-overflow.yaml", "rate-limit-breach.yaml",
                "config-drift.yaml", "high-error-rate.yaml", "missing-heartbeat.yaml", "health-check-timeout.yaml", "pod-crash.yaml",
                "known-vulnerability.yaml", "injection-attempt.yaml", "flapping.yaml", "latency-anomaly.yaml", "root-cause.yaml", "root-cause-released.yaml", "disk-exhaustion-predicted.yaml", "memory-leak-predicted.yaml");
    }

    @Test
    void aWrongExpectationFailsWithWhatWasExpectedAndWhatHappened(@TempDir Path directory) throws Exception {
        Files.writeString(directory.resolve("wrong.yaml"), """
                name: expects too much
                steps:
                  - at: 0s
                    signals: [{resource: "service:cart", metric: memory.used_percent, value: 95}]
                expect:
                  issues: [{resource: "service:cart", type: high_memory, severity: critical}]
                  decisions: [{resource: "service:cart", action: http.call, outcome: run}]
                  noIssues: [{resource: "service:cart"}]
                """);
        Files.writeString(directory.resolve("broken.json"), "{\"name\": \"x\", \"stepz\": []}");
        List<ScenarioRunner.Result> results = new ScenarioRunner(shipped, TestPolicy.trusted()).runAll(directory);
        assertThat(results).hasSize(2);
        assertThat(results.get(0).file()).isEqualTo("broken.json");
        assertThat(results.get(0).differences()).singleElement().asString().startsWith("cannot be read: ").contains("stepz");
        assertThat(results.get(1).differences()).hasSize(3);
        assertThat(results.get(1).differences().get(0)).startsWith("expected issue {resource=service:cart, type=high_memory, severity=critical}")
                .contains("got issues [{resource=service:cart, type=high_memory, severity=medium}]");
        assertThat(results.get(1).differences().get(1)).startsWith("expected no issue {resource=service:cart}");
        assertThat(results.get(1).differences().get(2)).startsWith("expected decision {resource=service:cart, action=http.call, outcome=run}")
                .contains("action=process.restart");
    }
}
