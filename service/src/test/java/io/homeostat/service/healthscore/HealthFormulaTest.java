package io.homeostat.service.healthscore;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.service.model.IssueRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The health score's formula and trend (docs/RULES.md, "Health score"), and a scripted hour of both. */
class HealthFormulaTest {
    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    private static IssueRecord issue(String tenant, String resource, String severity, String category, String rootCause) {
        return new IssueRecord(resource + severity, tenant, "f", resource, "t", severity, category, "open", "s", "rule", 1, T0, T0, null, T0,
                List.of(), null, rootCause, rootCause == null ? null : resource + " → x");
    }

    @Test
    void eachOpenIssueTakesItsSeveritysWeightAndAWaitingOneHalf() {
        Map<String, HealthFormula.Scores> scores = HealthFormula.of(List.of(
                issue("a", "db:main", "critical", "database", null),
                issue("a", "service:web", "high", "application", "db:main-id"),
                issue("a", "host:1", "medium", "compute", null),
                issue("a", "host:1", "low", "alert", null),
                issue("b", "host:2", "info", "compute", null)), List.of("c"));
        HealthFormula.Scores a = scores.get("a");
        assertThat(a.overall()).isEqualTo(100 - 40 - 10 - 10 - 5);
        assertThat(a.categories()).containsEntry("database", 60.0).containsEntry("application", 100 - 10 - 5.0)
                .containsEntry("compute", 90.0).containsEntry("network", 100.0).containsKeys(HealthFormula.CATEGORIES.toArray(String[]::new));
        assertThat(a.resources()).containsEntry("host:1", 85.0).containsEntry("db:main", 60.0).hasSize(3);
        assertThat(scores.get("b").overall()).isEqualTo(98);
        assertThat(scores.get("c").overall()).as("a known tenant with nothing open").isEqualTo(100);
    }

    @Test
    void aPendingPredictionTakesItsConfidenceTimesItsBucketsWeight() {
        var soon = new io.homeostat.service.model.PredictionRecord("p", "a", "disk:1", "disk_exhaustion", "disk.used_percent", 95, "1-6h", 4,
                0.9, "disk_full", T0, T0.plusSeconds(21_600), null, null);
        HealthFormula.Scores a = HealthFormula.of(List.of(), List.of(soon), List.of()).get("a");
        assertThat(a.overall()).isCloseTo(100 - 4 * 0.9, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(a.categories().get("storage")).isCloseTo(96.4, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(a.openIssues()).isZero();
    }

    @Test
    void theScoreDoesNotGoBelowZero() {
        List<IssueRecord> outage = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            outage.add(issue("a", "db:" + i, "critical", "database", null));
        }
        assertThat(HealthFormula.of(outage, List.of()).get("a").overall()).isZero();
    }

    /**
     * A scripted hour: minute by minute, issues open for 20 minutes (one more high issue every 5
     * minutes), hold for 10, then one resolves every 5 minutes. The trend over the last hour reads
     * the slope of the last hour's points: declining while issues pile up, improving as they go.
     */
    @Test
    void aScriptedHourDeclinesThenImproves() {
        List<Trend.Point> points = new ArrayList<>();
        List<String> directions = new ArrayList<>();
        for (int minute = 0; minute <= 90; minute++) {
            int open = minute <= 20 ? minute / 5 : minute <= 30 ? 4 : Math.max(0, 4 - (minute - 30) / 5);
            List<IssueRecord> issues = new ArrayList<>();
            for (int i = 0; i < open; i++) {
                issues.add(issue("a", "service:" + i, "high", "application", null));
            }
            Instant at = T0.plus(Duration.ofMinutes(minute));
            points.add(new Trend.Point(at, HealthFormula.of(issues, List.of("a")).get("a").overall()));
            List<Trend.Point> lastHour = points.stream().filter(p -> !p.at().isBefore(at.minus(Duration.ofHours(1)))).toList();
            directions.add(Trend.of(lastHour).direction());
        }
        assertThat(points.get(20).score()).isEqualTo(20);
        assertThat(directions.get(2)).as("too few points to tell").isEqualTo("stable");
        assertThat(directions.get(20)).isEqualTo("declining");
        assertThat(Trend.of(points.subList(20, 31)).direction()).as("holding at 20").isEqualTo("stable");
        assertThat(directions.get(90)).isEqualTo("improving");
        assertThat(Trend.of(points.subList(30, 51)).slopePerHour()).as("one high issue resolves every 5 minutes: +240 an hour")
                .isBetween(200.0, 280.0);
    }
}
