package io.homeostat.service.engine;

import io.homeostat.service.testing.TestPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeostat.service.engine.RuleBaseCompiler.RuleSource;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.model.IssueRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The thresholds table: each number once, and an edit moves every rule that uses it. */
class ThresholdTableTest {
    private static final String HEADER = "type,metric,when,threshold,readings,window,severity,category,summary";

    @Test
    void eachRowBecomesItsOpeningEvidenceAndHealthyRulesWithLiteralThresholds() throws Exception {
        String drl = ThresholdTable.toDrl("thresholds.csv", HEADER + "\nhigh_cpu,cpu.utilization,above,85.50,3,2m,medium,compute,CPU above {threshold}% within {window}\n");
        assertThat(drl).contains("rule \"high_cpu: 3 readings of cpu.utilization > 85.5 within 2 minutes\"",
                "rule \"high_cpu: another reading of cpu.utilization > 85.5\"",
                "rule \"high_cpu: a healthy reading, cpu.utilization <= 85.5\"",
                "metric == \"cpu.utilization\", value > 85.5 )", "value <= 85.5,", "time > $s.time - 120000, time <= $s.time", "$n >= 3",
                "\" CPU above 85.5% within 2 minutes\"");
    }

    @Test
    void oneEditedNumberMovesTheOpeningTheEvidenceTheHealthyReadingAndTheSummary() throws Exception {
        // Found: with three tables, changing only the "open" 85 to 80 opened an issue saying "above 90%"
        // while 85 still counted as healthy.
        Path shipped = Path.of(System.getProperty("homeostat.rules.dir", "../rules"));
        List<RuleSource> sources = RuleBaseCompiler.read(shipped).stream()
                .map(source -> source.name().equals("thresholds.csv")
                        ? new RuleSource(source.name(), source.content().replace("cpu.utilization,above,85,", "cpu.utilization,above,80,"))
                        : source)
                .toList();
        assertThat(sources).anySatisfy(source -> assertThat(source.content()).contains("cpu.utilization,above,80,"));
        try (RuleTestSession rules = new RuleTestSession(new RuleBaseCompiler().compile(sources), TestPolicy.trusted())) {
            rules.signal("host:a", "cpu.utilization", 82).signal("host:a", "cpu.utilization", 82).signal("host:a", "cpu.utilization", 82);
            IssueRecord opened = rules.issues("high_cpu").get(0);
            assertThat(opened.summary()).isEqualTo("3 CPU readings above 80% within 2 minutes");
            assertThat(opened.openedBy()).isEqualTo("high_cpu: 3 readings of cpu.utilization > 80 within 2 minutes");

            rules.advance(Duration.ofSeconds(1)).signal("host:a", "cpu.utilization", 83);
            assertThat(rules.issues("high_cpu").get(0).evidenceCount()).as("83 is above the new 80: more evidence").isEqualTo(4);
            assertThat(rules.issues("high_cpu").get(0).lastClearAt()).as("83 is not healthy").isNull();

            rules.advance(Duration.ofSeconds(1)).signal("host:a", "cpu.utilization", 80);
            assertThat(rules.issues("high_cpu").get(0).lastClearAt()).as("80 is healthy").isNotNull();
        }
    }

    @Test
    void everyBadCellIsNamedByLineAndColumn() {
        String table = String.join("\n",
                "# a comment",
                HEADER,
                "high_cpu,cpu.utilization,over,85,3,2m,medium,compute,fine",
                "",
                "disk_full,disk.used_percent,above,lots,0,5x,urgent,Storage,say \"hi\"",
                "high_cpu,cpu.utilization,above,85,3,2m,medium,compute,again {limit}",
                "slow,db.query_seconds,above,5,1,16m,low,database,slow queries");
        assertThatThrownBy(() -> ThresholdTable.toDrl("team/thresholds.csv", table))
                .isInstanceOfSatisfying(RuleCompilationException.class, e -> assertThat(e.problems()).extracting(RuleProblem::toString)
                        .containsExactlyInAnyOrder(
                                "team/thresholds.csv:3:3: when 'over' is not a comparison: above, below or equals",
                                "team/thresholds.csv:5:4: threshold 'lots' is not a number",
                                "team/thresholds.csv:5:5: readings '0' is not a count of readings from 1 to 100000",
                                "team/thresholds.csv:5:6: window '5x' is not a window: a whole number of s, m or h, such as 2m",
                                "team/thresholds.csv:5:7: severity 'urgent' is not a severity: info, low, medium, high or critical",
                                "team/thresholds.csv:5:8: category 'Storage' is not a category: a lower-case name such as compute",
                                "team/thresholds.csv:5:9: summary a summary is 1 to 200 characters without \" \\ @ $ or control characters",
                                "team/thresholds.csv:6:9: summary unknown placeholder {limit}: use {threshold} or {window}",
                                "team/thresholds.csv:7:6: window '16m' is longer than a reading is kept (15m)"));
    }

    @Test
    void aWrongHeaderOrARepeatedTypeIsRefused() {
        assertThatThrownBy(() -> ThresholdTable.toDrl("thresholds.csv", "type,metric,limit\nx,y,1"))
                .isInstanceOfSatisfying(RuleCompilationException.class, e -> assertThat(e.problems()).extracting(RuleProblem::message)
                        .anySatisfy(message -> assertThat(message).startsWith("unknown column 'limit'"))
                        .anySatisfy(message -> assertThat(message).startsWith("missing column(s) when,threshold")));
        String repeated = HEADER + "\nhigh_cpu,cpu.utilization,above,85,3,2m,medium,compute,a\nhigh_cpu,cpu.utilization,above,95,1,1m,high,compute,b\n";
        assertThatThrownBy(() -> ThresholdTable.toDrl("thresholds.csv", repeated))
                .isInstanceOfSatisfying(RuleCompilationException.class, e -> assertThat(e.problems()).extracting(RuleProblem::toString)
                        .containsExactly("thresholds.csv:3:1: type 'high_cpu' has a row already: one row per issue type"));
    }

    @Test
    void aBrokenTableIsRejectedByTheCompilerUnderItsOwnName() {
        List<RuleSource> sources = List.of(new RuleSource("thresholds.csv", HEADER + "\nhigh_cpu,cpu.utilization,above,x,3,2m,medium,compute,a\n"));
        assertThatThrownBy(() -> new RuleBaseCompiler().compile(sources))
                .isInstanceOf(RuleCompilationException.class).hasMessageContaining("thresholds.csv:2:4: threshold 'x' is not a number");
    }

    @Test
    void aCriticalLevelRaisesTheIssueAndARowWithoutOneGetsNoCriticalRule() throws Exception {
        String table = HEADER + ",critical\n"
                + "cert_expiring,cert.days_left,below,30,1,1m,medium,security,certificates with fewer than {threshold} days left,< 7\n"
                + "high_cpu,cpu.utilization,above,85,3,2m,medium,compute,CPU above {threshold}%,\n";
        String drl = ThresholdTable.toDrl("thresholds.csv", table);
        assertThat(drl).contains("rule \"cert_expiring: a reading of cert.days_left < 7 is critical\"")
                .doesNotContain("high_cpu: a reading of");
        try (RuleTestSession rules = new RuleTestSession(new RuleBaseCompiler().compile(List.of(new RuleSource("thresholds.csv", table))),
                TestPolicy.trusted())) {
            rules.signal("host:a", "cert.days_left", 20);
            assertThat(rules.issues("cert_expiring").get(0).severity()).isEqualTo("medium");
            rules.advance(Duration.ofSeconds(10)).signal("host:a", "cert.days_left", 7);
            assertThat(rules.issues("cert_expiring").get(0).severity()).as("7 is not below 7").isEqualTo("medium");
            rules.advance(Duration.ofSeconds(10)).signal("host:a", "cert.days_left", 6.5);
            assertThat(rules.issues("cert_expiring").get(0).severity()).isEqualTo("critical");
            rules.signal("host:b", "cert.days_left", 3);
            assertThat(rules.issues("cert_expiring")).filteredOn(issue -> issue.resource().equals("host:b"))
                    .singleElement().satisfies(issue -> assertThat(issue.severity()).as("opened critical").isEqualTo("critical"));
        }
    }

    @Test
    void aCriticalLevelMustPointTheWayTheThresholdDoes() {
        String table = HEADER + ",critical\n"
                + "cert_expiring,cert.days_left,below,30,1,1m,medium,security,certificates,> 40\n"
                + "queue_overflow,queue.used_percent,above,80,1,1m,medium,application,queues,>= lots\n";
        assertThatThrownBy(() -> ThresholdTable.toDrl("thresholds.csv", table))
                .isInstanceOfSatisfying(RuleCompilationException.class, e -> assertThat(e.problems()).extracting(RuleProblem::toString)
                        .containsExactly(
                                "thresholds.csv:2:10: critical '> 40' is not a critical level: a comparison in the direction of 'when' such as < 7 (none for 'equals')",
                                "thresholds.csv:3:10: critical 'lots' is not a number"));
    }
}
