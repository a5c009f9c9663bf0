package io.homeostat.service;

import io.homeostat.service.testing.TestPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.homeostat.service.engine.RuleBaseCompiler;
import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.recording.Backtest;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service records the signals it evaluates; a backtest replays them against the live rules and
 * a candidate whose high_cpu threshold is 90 % instead of 85 %, and shows exactly that difference.
 */
class BacktestIntegrationTest {
    @TempDir
    Path directory;

    @Test
    void aCandidateWithAHigherCpuThresholdLosesTheIssuesBetween85And90() throws Exception {
        Instant from = Instant.now().minusSeconds(60);
        int sent = 0;
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory)) {
            try (TestApp app = TestApp.builder(directory, database).start()) {
                for (int round = 0; round < 3; round++) {
                    app.signals(TestApp.signal("host:a", "cpu.utilization", 88), TestApp.signal("host:b", "cpu.utilization", 95),
                            TestApp.signal("host:c", "cpu.utilization", 70), TestApp.signal("service:x", "probe.success", 0));
                    sent += 4;
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> app.getJson("/api/v1/issues").get("total").asInt() == 3);
            }
            Instant to = Instant.now().plusSeconds(60);
            Path candidate = Files.createDirectories(directory.resolve("candidate"));
            try (Stream<Path> files = Files.list(TestApp.shippedRules())) {
                for (Path file : files.filter(path -> RuleBaseCompiler.isRuleFile(path.getFileName().toString())).toList()) {
                    String drl = Files.readString(file);
                    if (file.getFileName().toString().equals("thresholds.csv")) {
                        // The thresholds live in the table, each once: high_cpu's 85 % becomes 90 %.
                        drl = drl.replace("cpu.utilization,above,85,", "cpu.utilization,above,90,");
                    }
                    Files.writeString(candidate.resolve(file.getFileName()), drl);
                }
            }
            RuleBaseCompiler compiler = new RuleBaseCompiler();
            List<AvailableAction> actions = List.of(new AvailableAction("process.restart", "process", "MEDIUM", 1, false, Set.of(), 0.7),
                    new AvailableAction("http.call", "http", "MEDIUM", 1, true, Set.of(), 0.6));
            Backtest.Report report = Backtest.run(compiler.compile(TestApp.shippedRules()), compiler.compile(candidate),
                    TestPolicy.trusted(), actions, directory.resolve("signals"), from, to);
            assertThat(report.signals()).as("every evaluated signal was recorded").isEqualTo(sent);
            assertThat(report.issues().baseline()).isEqualTo(3);
            assertThat(report.issues().candidate()).isEqualTo(2);
            assertThat(report.issues().removed()).isEqualTo(1);
            assertThat(report.issues().added()).isZero();
            assertThat(report.issues().removedExamples()).containsExactly("high_cpu on host:a (default)");
            assertThat(report.decisions().removedExamples()).containsExactly("http.call for high_cpu on host:a (default): [run]");
            assertThat(report.decisions().changed()).isZero();

            // The same through the command line.
            PrintStream original = System.out;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                new HomeostatApplication().run("rules", "backtest", "--rules", candidate.toString(), "--from", from.toString(),
                        "--to", to.toString(), directory.resolve("config.yml").toString());
            } finally {
                System.setOut(original);
            }
            String text = captured.toString(StandardCharsets.UTF_8);
            assertThat(text).contains(sent + " recorded signals replayed", "issues: live 3, candidate 2; added 0, removed 1, changed 0",
                    "  - high_cpu on host:a (default)");
        }
    }
}
