package io.homeostat.service.engine;

import io.homeostat.service.testing.TestPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.service.engine.facts.Issue;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.IssueRecord;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every shipped rule on the pseudo clock: it fires when it should and stays quiet when it should not. */
class DefaultRulesTest {
    private static final Duration SECONDS_10 = Duration.ofSeconds(10);

    @Nested
    class ServiceDown {
        @Test
        void threeFailedProbesWithinAMinuteOpenAHighIssueAndDecideARestart() {
            try (RuleTestSession rules = new RuleTestSession()) {
                rules.signal("service:web", "probe.success", 0).advance(SECONDS_10)
                        .signal("service:web", "probe.success", 0).advance(SECONDS_10);
                assertThat(rules.issues()).isEmpty();

                rules.signal("service:web", "probe.success", 0);

                assertThat(rules.issues("service_down")).singleElement().satisfies(issue -> {
                    assertThat(issue.severity()).isEqualTo("high");
                    assertThat(issue.resource()).isEqualTo("service:web");
                    assertThat(issue.state()).isEqualTo("remediating");
                    assertThat(issue.openedBy()).isEqualTo("service_down: 3 readings of probe.success == 0 within 1 minute");
                });
                assertThat(rules.decisions()).singleElement().satisfies(decision -> {
                    assertThat(decision.actionId()).isEqualTo("process.restart");
                    assertThat(decision.outcome()).isEqualTo("run");
                    assertThat(decision.explanation()).extracting(DecisionRecord.ExplanationEntry::gate)
                            .contains("action-available", "concurrency.resource", "rate.resource");
                });
            }
        }

        @Test
        void failuresSpreadOverMoreThanAMinuteOpenNothing() {
            try (RuleTestSession rules = new RuleTestSession()) {
                rules.signal("service:web", "probe.success", 0).advance(Duration.ofSeconds(35))
                        .signal("service:web", "probe.success", 0).advance(Duration.ofSeconds(35))
                        .signal("service:web", "probe.success", 0);
                assertThat(rules.issues()).isEmpty();
            }
        }

        @Test
        void failuresOfDifferentResourcesDoNotAddUp() {
            try (RuleTestSession rules = new RuleTestSession()) {
                rules.signal("service:a", "probe.success", 0).signal("service:b", "probe.success", 0)
                        .signal("service:a", "probe.success", 0).signal("service:c", "probe.success", 0);
                assertThat(rules.issues()).isEmpty();
            }
        }

        @Test
        void moreEvidenceUpdatesTheOneOpenIssue() {
            try (RuleTestSession rules = new RuleTestSession()) {
                for (int i = 0; i < 10; i++) {
                    rules.signal("service:web", "probe.success", 0).advance(Duration.ofSeconds(5));
                }
                assertThat(rules.issues("service_down")).singleElement()
                        .satisfies(issue -> assertThat(issue.evidenceCount()).isEqualTo(10));
                assertThat(rules.decisions()).hasSize(1);
            }
        }

        @Test
        void resolvesOnlyAfterHealthyProbesForTheQuietPeriod() {
            try (RuleTestSession rules = new RuleTestSession(TestPolicy.trusted().toBuilder().rateLimits(10, 10, 100).resolveQuietPeriodMillis(Duration.ofMinutes(2).toMillis()).build())) {
                rules.signal("service:web", "probe.success", 0).signal("service:web", "probe.success", 0)
                        .signal("service:web", "probe.success", 0);
                rules.advance(SECONDS_10).signal("service:web", "probe.success", 1).advance(Duration.ofSeconds(90));
                assertThat(rules.issues("service_down").get(0).state()).isEqualTo("remediating");

                rules.advance(Duration.ofSeconds(31));
                IssueRecord issue = rules.issues("service_down").get(0);
                assertThat(issue.state()).isEqualTo("resolved");
                assertThat(issue.resolvedAt()).isNotNull();
                assertThat(rules.engine().facts(Issue.class)).as("kept while its evidence lives").hasSize(1);
                rules.advance(Duration.ofMinutes(15));
                assertThat(rules.engine().facts(Issue.class)).as("then it leaves the session").isEmpty();
            }
        }

        @Test
        void newEvidenceCancelsTheQuietPeriod() {
            try (RuleTestSession rules = new RuleTestSession(TestPolicy.trusted().toBuilder().rateLimits(10, 10, 100).resolveQuietPeriodMillis(Duration.ofMinutes(2).toMillis()).build())) {
                rules.signal("service:web", "probe.success", 0).signal("service:web", "probe.success", 0)
                        .signal("service:web", "probe.success", 0);
                rules.advance(SECONDS_10).signal("service:web", "probe.success", 1)
                        .advance(Duration.ofSeconds(60)).signal("service:web", "probe.success", 0)
                        .advance(Duration.ofSeconds(90));
                assertThat(rules.issues("service_down").get(0).state()).isEqualTo("remediating");
            }
        }

        @Test
        void silenceIsNotRecovery() {
            try (RuleTestSession rules = new RuleTestSession(TestPolicy.trusted().toBuilder().rateLimits(10, 10, 100).resolveQuietPeriodMillis(Duration.ofMinutes(2).toMillis()).build())) {
                rules.signal("service:web", "probe.success", 0).signal("service:web", "probe.success", 0)
                        .signal("service:web", "probe.success", 0).advance(Duration.ofHours(2));
                assertThat(rules.issues("service_down").get(0).state()).isEqualTo("remediating");
            }
        }

        @Test
        void oldFailuresDoNotReopenAResolvedIssueButNewOnesDo() {
            try (RuleTestSession rules = new RuleTestSession(TestPolicy.trusted().toBuilder().rateLimits(10, 10, 100).resolveQuietPeriodMillis(Duration.ofSeconds(20).toMillis()).build())) {
                rules.signal("service:web", "probe.success", 0).signal("service:web", "probe.success", 0)
                        .signal("service:web", "probe.success", 0);
                rules.advance(Duration.ofSeconds(2)).signal("service:web", "probe.success", 1).advance(Duration.ofSeconds(21));
                assertThat(rules.issues("service_down")).singleElement().satisfies(issue -> assertThat(issue.state()).isEqualTo("resolved"));
                rules.advance(Duration.ofSeconds(5));
                assertThat(rules.issues("service_down")).as("the three old failures are still in the window").hasSize(1);

                rules.advance(Duration.ofMinutes(1)).signal("service:web", "probe.success", 0).signal("service:web", "probe.success", 0)
                        .signal("service:web", "probe.success", 0);
                assertThat(rules.issues("service_down")).hasSize(2);
            }
        }
    }

    @Nested
    class HighCpu {
        @Test
        void threeReadingsAbove85WithinTwoMinutesOpenAMediumIssue() {
            try (RuleTestSession rules = new RuleTestSession()) {
                rules.signal("host:web-1", "cpu.utilization", 91).advance(Duration.ofSeconds(50))
                        .signal("host:web-1", "cpu.utilization", 97).advance(Duration.ofSeconds(50));
                assertThat(rules.issues()).isEmpty();
                rules.signal("host:web-1", "cpu.utilization", 88);
                assertThat(rules.issues("high_cpu")).singleElement()
                        .satisfies(issue -> assertThat(issue.severity()).isEqualTo("medium"));
                assertThat(rules.decisions()).singleElement().satisfies(decision -> {
                    assertThat(decision.actionId()).isEqualTo("http.call");
                    assertThat(decision.parameters()).containsEntry("endpoint", "scale-out");
                });
            }
        }

        @Test
        void exactly85OrReadingsSpreadOverThreeMinutesOpenNothing() {
            try (RuleTestSession rules = new RuleTestSession()) {
                rules.signal("host:a", "cpu.utilization", 85).signal("host:a", "cpu.utilization", 85)
                        .signal("host:a", "cpu.utilization", 85);
                rules.signal("host:b", "cpu.utilization", 99).advance(Duration.ofSeconds(65))
                        .signal("host:b", "cpu.utilization", 99).advance(Duration.ofSeconds(65))
                        .signal("host:b", "cpu.utilization", 99);
                assertThat(rules.issues()).isEmpty();
            }
        }
    }

    @Nested
    class HighMemory {
        @Test
        void oneReadingAbove90OpensAnIssue() {
            try (RuleTestSession rules = new RuleTestSession()) {
                rules.signal("service:cart", "memory.used_percent", 90).signal("service:cart", "memory.used_percent", 89);
                assertThat(rules.issues()).isEmpty();
                rules.signal("service:cart", "memory.used_percent", 90.5);
                assertThat(rules.issues("high_memory")).singleElement()
                        .satisfies(issue -> assertThat(issue.severity()).isEqualTo("medium"));
                assertThat(rules.decisions()).singleElement()
                        .satisfies(decision -> assertThat(decision.actionId()).isEqualTo("process.restart"));
            }
        }
    }

    @Nested
    class DiskFull {
        @Test
        void oneReadingAbove95OpensAHighIssue() {
            try (RuleTestSession rules = new RuleTestSession()) {
                rules.signal("disk:web-3:/var", "disk.used_percent", 95);
                assertThat(rules.issues()).isEmpty();
                rules.signal("disk:web-3:/var", "disk.used_percent", 99);
                assertThat(rules.issues("disk_full")).singleElement().satisfies(issue -> {
                    assertThat(issue.severity()).isEqualTo("high");
                    assertThat(issue.category()).isEqualTo("storage");
                });
                assertThat(rules.decisions()).singleElement()
                        .satisfies(decision -> assertThat(decision.parameters()).containsEntry("endpoint", "disk-cleanup"));
            }
        }
    }
}
