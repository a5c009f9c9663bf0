package io.homeostat.service.engine;

import io.homeostat.service.testing.TestPolicy;
import static io.homeostat.service.engine.GatesTest.down;
import static io.homeostat.service.engine.GatesTest.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.service.engine.facts.ActionStats;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.RemediationOutcome;
import io.homeostat.service.engine.facts.RollbackRequest;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.ProposalRecord;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * After the gates: verification, rollback, the next strategy, escalation, probation, circuit
 * breakers and learning, on the pseudo clock with outcomes chosen by the test.
 */
class LifecycleTest {
    private static final Duration VERIFY = Duration.ofMinutes(2);

    @Test
    void aSuccessIsVerifiedByTheIssueClearingThenItResolvesAndIsLearned() {
        try (RuleTestSession rules = new RuleTestSession()) {
            down(rules, "service:web");
            rules.outcome(rules.lastDecision(), true);
            assertThat(rules.issue().state()).isEqualTo("verifying");
            rules.advance(Duration.ofSeconds(20)).signal("service:web", "probe.success", 1);
            assertThat(rules.issue().state()).isEqualTo("recovering");
            rules.advance(Duration.ofMinutes(2)).advance(Duration.ofSeconds(1));
            assertThat(rules.issue().state()).isEqualTo("resolved");
            assertThat(rules.statistics()).singleElement().satisfies(stats -> {
                assertThat(stats.actionId()).isEqualTo("process.restart");
                assertThat(stats.resourceKind()).isEqualTo("service");
                assertThat(stats.attempts()).isEqualTo(1);
                assertThat(stats.successes()).isEqualTo(1);
                assertThat(stats.totalRecoveryMillis()).isEqualTo(20_000);
            });
            assertThat(rules.escalations()).isEmpty();
        }
    }

    @Test
    void anAttemptTheClusterHeldBackIsDeferredAndDecidedAgainAfterTheWaitWithoutCountingAgainstTheAction() {
        // Another replica was remediating the resource: this replica's attempt never ran. Deciding again at once
        // would loop through the executor; the proposal waits instead, as after any gate's deferral.
        try (RuleTestSession rules = new RuleTestSession()) {
            down(rules, "service:web");
            DecisionRecord restart = rules.lastDecision();
            rules.insert(RemediationOutcome.heldElsewhere(restart.id(), restart.issueId(), restart.tenant(), restart.resource(),
                    restart.actionId(), "cluster.resource", "cluster.resource: replica b is remediating service:web", rules.engine().now(),
                    30_000));
            assertThat(rules.lastDecision().outcome()).as(rules.dump()).isEqualTo("deferred");
            assertThat(rules.lastDecision().reason()).isEqualTo("cluster.resource: cluster.resource: replica b is remediating service:web");
            assertThat(rules.issue().state()).isEqualTo("open");
            assertThat(rules.decisions()).hasSize(2);
            rules.advance(Duration.ofSeconds(29));
            assertThat(rules.decisions()).as("not decided again before the wait").hasSize(2);
            rules.advance(Duration.ofSeconds(2));
            assertThat(rules.decisions()).as(rules.dump()).hasSize(3);
            assertThat(rules.lastDecision().actionId()).isEqualTo("process.restart");
            assertThat(rules.lastDecision().outcome()).isEqualTo("run");
            assertThat(rules.statistics()).as("nothing learned from an attempt that never ran").isEmpty();
            assertThat(rules.breakers()).isEmpty();
            assertThat(rules.escalations()).isEmpty();
        }
    }

    @Test
    void anActionThatDoesNotApplyMovesToTheNextStrategyWithoutCountingAgainstTheAction() {
        // Found: a restart refused because the resource is not allow-listed counted as a failure for
        // learning and put http.call ahead of process.restart for real resources.
        try (RuleTestSession rules = new RuleTestSession()) {
            down(rules, "service:web");
            DecisionRecord restart = rules.lastDecision();
            rules.insert(RemediationOutcome.notApplicable(restart.id(), restart.issueId(), restart.tenant(), restart.resource(),
                    restart.actionId(), "service:web is not allow-listed", rules.engine().now()));
            assertThat(rules.proposals()).filteredOn(p -> p.actionId().equals("process.restart")).extracting(ProposalRecord::state)
                    .containsExactly("not_applicable");
            assertThat(rules.decisions()).as(rules.dump()).extracting(DecisionRecord::actionId).containsExactly("process.restart", "http.call");
            assertThat(rules.lastDecision().outcome()).isEqualTo("run");
            assertThat(rules.statistics()).as("nothing learned from an action that did nothing").isEmpty();
            assertThat(rules.breakers()).as("nor counted by its breaker").isEmpty();

            rules.outcome(rules.lastDecision(), false);
            assertThat(rules.escalations()).singleElement().satisfies(escalation ->
                    assertThat(escalation.reason()).contains("process.restart not_applicable").contains("http.call failed"));
        }
    }

    @Test
    void aRestartThatDoesNotClearTheIssueFailsVerificationAndTheNextStrategyRuns() {
        try (RuleTestSession rules = new RuleTestSession()) {
            down(rules, "service:web");
            rules.outcome(rules.lastDecision(), true);
            rules.advance(VERIFY.minusSeconds(1));
            rules.signal("service:web", "probe.success", 0);
            assertThat(rules.decisions()).hasSize(1);
            rules.advance(Duration.ofSeconds(2));
            assertThat(rules.decisions()).as(rules.dump()).extracting(DecisionRecord::actionId)
                    .containsExactly("process.restart", "http.call");
            assertThat(rules.lastDecision().outcome()).isEqualTo("run");
            assertThat(rules.lastDecision().explanation().get(1).message()).isEqualTo("proposed as fallback strategy 2: http.call");
            assertThat(rules.statistics()).singleElement().satisfies(stats -> {
                assertThat(stats.attempts()).isEqualTo(1);
                assertThat(stats.successes()).isZero();
            });
            assertThat(rules.rollbacks()).as("process.restart is not reversible").isEmpty();
        }
    }

    @Test
    void aReversibleActionIsRolledBackWhenVerificationFailsThenTheNextStrategyRuns() {
        try (RuleTestSession rules = new RuleTestSession()) {
            // high_cpu: scale out (http.call, reversible, a snapshot taken) first, then restart.
            for (int i = 0; i < 3; i++) {
                rules.signal("service:api", "cpu.utilization", 97);
            }
            DecisionRecord scaleOut = rules.lastDecision();
            assertThat(scaleOut.actionId()).isEqualTo("http.call");
            rules.outcome(scaleOut, true).advance(VERIFY.plusSeconds(1));
            assertThat(rules.rollbacks()).extracting(RollbackRequest::decisionId).containsExactly(scaleOut.id());
            assertThat(rules.decisions()).as("the next strategy waits for the rollback").hasSize(1);

            rules.rolledBack(scaleOut.id(), true);
            assertThat(rules.lastDecision().actionId()).isEqualTo("process.restart");
            assertThat(rules.lastDecision().outcome()).isEqualTo("run");
            assertThat(rules.proposals()).filteredOn(p -> p.actionId().equals("http.call")).extracting(ProposalRecord::state)
                    .containsExactly("failed");
        }
    }

    @Test
    void whenEveryStrategyFailsTheIssueIsEscalatedOnce() {
        try (RuleTestSession rules = new RuleTestSession()) {
            down(rules, "service:web");
            rules.outcome(rules.lastDecision(), false);
            rules.outcome(rules.lastDecision(), false);
            assertThat(rules.issue().state()).isEqualTo("escalated");
            assertThat(rules.escalations()).singleElement().satisfies(escalation -> {
                assertThat(escalation.issueId()).isEqualTo(rules.issue().id());
                assertThat(escalation.reason()).startsWith("every strategy was tried and the issue persists")
                        .contains("process.restart failed", "http.call failed");
            });
            down(rules, "service:web");
            rules.advance(Duration.ofMinutes(5));
            assertThat(rules.escalations()).as("deduplicated per issue").hasSize(1);
            assertThat(rules.decisions()).as("automation stops").hasSize(2);
        }
    }

    @Test
    void aGateBlockingACriticalIssueEscalates() {
        try (RuleTestSession rules = new RuleTestSession()) {
            rules.engine().setAvailableActions(List.of());
            rules.insert(GatesTest.criticalIssue("service:pay"));
            assertThat(rules.escalations()).singleElement().satisfies(escalation ->
                    assertThat(escalation.reason()).startsWith("a gate blocked a critical issue: action-available"));
        }
    }

    /** Fixes a service_down on service:web: restarted, verified, resolved after the quiet period. */
    private static void fixed(RuleTestSession rules) {
        down(rules, "service:web");
        rules.outcome(rules.lastDecision(), true).advance(Duration.ofSeconds(10)).signal("service:web", "probe.success", 1)
                .advance(Duration.ofMinutes(3));
    }

    @Test
    void aProblemBackWithinProbationIsFixedAgainAfterADoublingBackoffUntilItsFifthReturnEscalates() {
        try (RuleTestSession rules = new RuleTestSession()) {
            fixed(rules);
            // Returns 1 to 4: fixed again. The first at once, then after 10 s, 20 s, 40 s.
            long[] waits = {0, 10, 20, 40};
            for (int i = 0; i < waits.length; i++) {
                rules.advance(Duration.ofMinutes(1));
                int runs = (int) rules.decisions().stream().filter(d -> d.outcome().equals("run")).count();
                down(rules, "service:web");
                if (waits[i] > 0) {
                    assertThat(rules.lastDecision().outcome()).as(rules.dump()).isEqualTo("deferred");
                    assertThat(rules.lastDecision().reason()).startsWith("backoff: back " + (i + 1) + " times after process.restart fixed it");
                    rules.advance(Duration.ofSeconds(waits[i] - 1));
                    assertThat(rules.decisions().stream().filter(d -> d.outcome().equals("run")).count()).as(rules.dump()).isEqualTo(runs);
                    rules.advance(Duration.ofSeconds(16));
                }
                assertThat(rules.lastDecision().outcome()).as("return " + (i + 1) + rules.dump()).isEqualTo("run");
                assertThat(rules.escalations()).isEmpty();
                rules.outcome(rules.lastDecision(), true).advance(Duration.ofSeconds(10)).signal("service:web", "probe.success", 1)
                        .advance(Duration.ofMinutes(3));
            }
            rules.advance(Duration.ofMinutes(1));
            down(rules, "service:web");
            assertThat(rules.escalations()).singleElement().satisfies(escalation -> assertThat(escalation.reason())
                    .isEqualTo("service_down came back 5 times within the probation period after process.restart fixed it"));
        }
    }

    @Test
    void theSameProblemBackWithinProbationEscalatesAtOnceWhenOneReturnIsTooMany() {
        try (RuleTestSession rules = new RuleTestSession(TestPolicy.trusted().toBuilder().probationReturns(1, 10_000).build())) {
            down(rules, "service:web");
            rules.outcome(rules.lastDecision(), true).advance(Duration.ofSeconds(10)).signal("service:web", "probe.success", 1)
                    .advance(Duration.ofMinutes(3));
            assertThat(rules.issue().state()).isEqualTo("resolved");

            rules.advance(Duration.ofMinutes(20));
            down(rules, "service:web");
            assertThat(rules.issues()).hasSize(2);
            assertThat(rules.issues().get(1).state()).isEqualTo("escalated");
            assertThat(rules.escalations()).singleElement().satisfies(escalation -> assertThat(escalation.reason())
                    .isEqualTo("service_down came back within the probation period after process.restart fixed it"));
            assertThat(rules.decisions()).hasSize(1);
        }
        try (RuleTestSession rules = new RuleTestSession(TestPolicy.trusted().toBuilder().probationReturns(1, 10_000).build())) {
            down(rules, "service:web");
            rules.outcome(rules.lastDecision(), true).advance(Duration.ofSeconds(10)).signal("service:web", "probe.success", 1)
                    .advance(Duration.ofMinutes(3)).advance(Duration.ofMinutes(61));
            down(rules, "service:web");
            assertThat(rules.escalations()).as("after the probation period").isEmpty();
            assertThat(rules.decisions()).hasSize(2);
        }
    }

    @Test
    void theBreakerOpensAfterFiveConsecutiveFailuresHalfOpensAfterTheCooldownAndClosesOnSuccess() {
        // Earned autonomy would demote the restart after 3 failures in a row (AutonomyTest): here only the breaker counts.
        PolicySettings policy = TestPolicy.trusted().toBuilder().probationMillis(1).autonomy(5, 10, 0.9, 30, 1000).build();
        try (RuleTestSession rules = new RuleTestSession(policy)) {
            rules.engine().setAvailableActions(List.of(RuleTestSession.RESTART));
            for (int failure = 1; failure <= 5; failure++) {
                rules.signal("service:cart", "memory.used_percent", 95);
                DecisionRecord decision = rules.lastDecision();
                assertThat(decision.outcome()).as("attempt " + failure + rules.dump()).isEqualTo("run");
                assertThat(verdict(decision, "breaker").figures()).containsEntry("failures", failure - 1);
                rules.outcome(decision, false);
                // The issue escalates (no fallback); it clears and resolves so that the next reading opens a new one.
                rules.advance(Duration.ofSeconds(1)).signal("service:cart", "memory.used_percent", 40).advance(Duration.ofMinutes(3));
            }
            assertThat(rules.breakers()).singleElement().satisfies(b -> {
                assertThat(b.state()).isEqualTo("open");
                assertThat(b.consecutiveFailures()).isEqualTo(5);
            });
            int before = rules.decisions().size();
            rules.signal("service:cart", "memory.used_percent", 95);
            DecisionRecord blocked = rules.decisions().get(before);
            assertThat(blocked.actionId()).isEqualTo("process.restart");
            assertThat(blocked.outcome()).isEqualTo("blocked");
            assertThat(blocked.reason()).startsWith("breaker: open after 5 consecutive failures");
            rules.advance(Duration.ofSeconds(1)).signal("service:cart", "memory.used_percent", 40).advance(Duration.ofMinutes(3));

            // Opened at the 5th failure, a little over 6 minutes ago: past the 300 s cooldown.
            assertThat(rules.breakers().get(0).state()).isEqualTo("half-open");
            int beforeTrial = rules.decisions().size();
            rules.signal("service:cart", "memory.used_percent", 95);
            DecisionRecord trial = rules.decisions().get(beforeTrial);
            assertThat(trial.outcome()).isEqualTo("run");
            assertThat(verdict(trial, "breaker").message()).isEqualTo("half-open: this run is the trial");
            rules.outcome(trial, true).advance(Duration.ofSeconds(1)).signal("service:cart", "memory.used_percent", 40);
            assertThat(rules.breakers().get(0).state()).isEqualTo("closed");
            assertThat(rules.breakers().get(0).consecutiveFailures()).isZero();
        }
    }

    @Test
    void aFailedTrialOpensTheBreakerAgainAndFourFailuresDoNotOpenIt() {
        PolicySettings policy = TestPolicy.trusted().toBuilder().probationMillis(1).breaker(5, 60_000).autonomy(5, 10, 0.9, 30, 1000).build();
        try (RuleTestSession rules = new RuleTestSession(policy)) {
            rules.engine().setAvailableActions(List.of(RuleTestSession.RESTART));
            for (int failure = 1; failure <= 4; failure++) {
                rules.signal("service:cart", "memory.used_percent", 95);
                rules.outcome(rules.lastDecision(), false).advance(Duration.ofSeconds(1))
                        .signal("service:cart", "memory.used_percent", 40).advance(Duration.ofMinutes(3));
            }
            assertThat(rules.breakers().get(0).state()).as("4 of 5").isEqualTo("closed");
            rules.signal("service:cart", "memory.used_percent", 95);
            rules.outcome(rules.lastDecision(), false).advance(Duration.ofSeconds(1)).signal("service:cart", "memory.used_percent", 40);
            assertThat(rules.breakers().get(0).state()).isEqualTo("open");
            rules.advance(Duration.ofMinutes(3));
            assertThat(rules.breakers().get(0).state()).isEqualTo("half-open");
            rules.signal("service:cart", "memory.used_percent", 95);
            rules.outcome(rules.lastDecision(), false);
            assertThat(rules.breakers().get(0).state()).as("the trial failed").isEqualTo("open");
        }
    }

    @Test
    void learnedFailuresReorderTheStrategies() {
        PolicySettings policy = TestPolicy.trusted().toBuilder().probationMillis(1).build();
        try (RuleTestSession rules = new RuleTestSession(policy)) {
            rules.engine().insert(new ActionStats("service_down", "process.restart", "service", 6, 0, 0));
            rules.engine().insert(new ActionStats("service_down", "http.call", "service", 2, 2, 30_000));
            down(rules, "service:web");
            DecisionRecord first = rules.decisions().get(0);
            assertThat(first.actionId()).as("restart failed 6 times out of 6: the fallback goes first").isEqualTo("http.call");
            assertThat(first.explanation().get(1).figures().get("ranking").toString()).startsWith("score ");
            assertThat(verdict(first, "cost-benefit").figures()).containsEntry("attempts", 2L);
        }
    }
}
