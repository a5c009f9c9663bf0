package io.homeostat.service.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.Severity;
import io.homeostat.service.engine.facts.Threshold;
import io.homeostat.service.model.IssueRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defect 12: one number, one place. Changing high_memory's limit from 90 to 80 in its one row of
 * thresholds.csv changes when the issue opens, what counts as more evidence, what counts as a
 * healthy reading and what the issue says — once it opened an issue that said "above 90%" while
 * 85 still counted as healthy.
 */
class ThresholdsTest {
    @TempDir
    Path rules;

    @Test
    void changingTheOneNumberOfARowChangesOpeningEvidenceHealthAndTheSummaryTogether() throws Exception {
        try (Stream<Path> shipped = Files.list(Path.of(System.getProperty("homeostat.rules.dir", "../rules")))) {
            for (Path file : shipped.filter(path -> RuleBaseCompiler.isRuleFile(path.getFileName().toString())).toList()) {
                String text = Files.readString(file);
                if (file.getFileName().toString().equals("thresholds.csv")) {
                    assertThat(text).contains("high_memory,memory.used_percent,>,90,");
                    text = text.replace("high_memory,memory.used_percent,>,90,", "high_memory,memory.used_percent,>,80,");
                }
                Files.writeString(rules.resolve(file.getFileName()), text);
            }
        }
        try (RuleTestSession session = new RuleTestSession(new RuleBaseCompiler().compile(rules), PolicySettings.defaults())) {
            session.signal("host:a", "memory.used_percent", 80);
            assertThat(session.issues()).as("80 is not above 80").isEmpty();
            session.signal("host:a", "memory.used_percent", 85);
            IssueRecord issue = session.issue();
            assertThat(issue.type()).isEqualTo("high_memory");
            assertThat(issue.summary()).isEqualTo("1 reading of memory.used_percent > 80 within 1m");
            assertThat(issue.openedBy()).isEqualTo("high_memory: 1 reading of memory.used_percent > 80 within 1m");
            session.advance(Duration.ofSeconds(10)).signal("host:a", "memory.used_percent", 85);
            assertThat(session.issue().evidenceCount()).as("85 is more evidence, not a healthy reading").isEqualTo(2);
            assertThat(session.issue().lastClearAt()).isNull();
            session.advance(Duration.ofSeconds(10)).signal("host:a", "memory.used_percent", 79);
            assertThat(session.issue().lastClearAt()).as("79 is healthy").isNotNull();
        }
    }

    @Test
    void aThresholdRowThatCannotWorkSaysWhichRowAndWhy() {
        assertThatThrownBy(() -> new Threshold("thresholds: x", "x", "m", "=>", 1, "1m", 1, Severity.LOW, "c"))
                .hasMessage("thresholds: x: comparison must be one of <, <=, ==, !=, >=, >, was '=>'");
        assertThatThrownBy(() -> new Threshold("thresholds: x", "x", "m", ">", 1, "a minute", 1, Severity.LOW, "c"))
                .hasMessageContaining("window must be a positive duration");
        Threshold cpu = new Threshold("thresholds: high_cpu", "high_cpu", "cpu.utilization", ">", 85, "2m", 3, Severity.MEDIUM, "compute");
        assertThat(cpu.breached(85)).isFalse();
        assertThat(cpu.breached(85.5)).isTrue();
        assertThat(cpu.getWindowMillis()).isEqualTo(120_000);
        assertThat(cpu.summary(3)).isEqualTo("3 readings of cpu.utilization > 85 within 2m");
    }
}
