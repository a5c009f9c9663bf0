package io.homeostat.service.engine;

import static io.homeostat.service.engine.GatesTest.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.service.engine.facts.ApprovalVerdict;
import io.homeostat.service.engine.facts.AutonomyMode;
import io.homeostat.service.engine.facts.AutonomyPin;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.model.AutonomyChangeRecord;
import io.homeostat.service.model.DecisionRecord;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Earned autonomy (rules/autonomy.drl and the autonomy gate): a new pair observes, then suggests,
 * then runs on its own as its verified record earns it; a run of failures demotes it one step; an
 * operator's pin holds against the rules.
 */
class AutonomyTest {
    /** Learning never puts http.call ahead of a restart that failed: every crash here is decided for process.restart first. */
    private static PolicySettings startingIn(AutonomyMode mode) {
        return PolicySettings.builder().autonomyStartIn(mode).learning(2, 0, 100).rateLimits(100, 100, 1000).maxConcurrent(100).build();
    }

    /** service_down on {@code resource}: the process collector reports it dead. */
    private static DecisionRecord crash(RuleTestSession rules, String resource) {
        rules.signal("default", resource, "process.alive", 0, "collector:process.alive", Map.of());
        DecisionRecord decision = rules.lastDecision();
        assertThat(decision.resource()).as(rules.dump()).isEqualTo(resource);
        return decision;
    }

    /** The restart worked and the process answers: verified. */
    private static void fixed(RuleTestSession rules, DecisionRecord run) {
        rules.outcome(run, true);
        rules.advance(Duration.ofSeconds(5)).signal("default", run.resource(), "process.alive", 1, "collector:process.alive", Map.of());
    }

    @Test
    void aNewPairOnlyObservesUntilItHasSeenEnoughThenAHumanApprovesEachRun() {
        try (RuleTestSession rules = new RuleTestSession(startingIn(AutonomyMode.OBSERVE))) {
            for (int i = 1; i <= 5; i++) {
                DecisionRecord observed = crash(rules, "service:s" + i);
                assertThat(observed.outcome()).as(rules.dump()).isEqualTo("dry_run");
                assertThat(observed.reason()).startsWith("observe: would have run process.restart on service:s" + i);
                assertThat(verdict(observed, "autonomy").verdict()).isEqualTo("dry-run");
                rules.advance(Duration.ofSeconds(10));
            }
            assertThat(rules.escalations()).as("an observed issue goes to a human").hasSize(5)
                    .allSatisfy(escalation -> assertThat(escalation.reason()).startsWith("observe mode (earned autonomy)"));
            AutonomyChangeRecord promoted = rules.autonomyChanges().get(0);
            assertThat(rules.autonomyChanges()).hasSize(1);
            assertThat(promoted.kind()).isEqualTo("promoted");
            assertThat(promoted.fromMode()).isEqualTo("observe");
            assertThat(promoted.toMode()).isEqualTo("suggest");
            assertThat(promoted.figures()).containsEntry("observed", 5);
            assertThat(promoted.changedBy()).startsWith("autonomy: observe");
            assertThat(rules.autonomy("service_down", "process.restart").mode()).isEqualTo("suggest");

            DecisionRecord suggested = crash(rules, "service:s6");
            assertThat(suggested.outcome()).as(rules.dump()).isEqualTo("awaiting_approval");
            assertThat(verdict(suggested, "autonomy").verdict()).isEqualTo("await");
            String approval = rules.approvals().get(rules.approvals().size() - 1).id();
            rules.insert(new ApprovalVerdict(approval, true, "alice", "looks right"));
            assertThat(rules.lastDecision().outcome()).as(rules.dump()).isEqualTo("run");
            assertThat(verdict(rules.lastDecision(), "autonomy").message()).contains("approved by alice");
        }
    }

    @Test
    void tenVerifiedSuccessesInSuggestModeEarnAuto() {
        try (RuleTestSession rules = new RuleTestSession(startingIn(AutonomyMode.SUGGEST))) {
            for (int i = 1; i <= 10; i++) {
                DecisionRecord waiting = crash(rules, "service:s" + i);
                assertThat(rules.autonomy("service_down", "process.restart").mode()).as("after " + (i - 1) + " successes").isEqualTo("suggest");
                assertThat(waiting.outcome()).as(rules.dump()).isEqualTo("awaiting_approval");
                rules.insert(new ApprovalVerdict(rules.approvals().get(rules.approvals().size() - 1).id(), true, "alice", "ok"));
                DecisionRecord run = rules.lastDecision();
                assertThat(run.outcome()).isEqualTo("run");
                fixed(rules, run);
            }
            assertThat(rules.autonomy("service_down", "process.restart").mode()).isEqualTo("auto");
            AutonomyChangeRecord promoted = rules.autonomyChanges().get(rules.autonomyChanges().size() - 1);
            assertThat(promoted.toMode()).isEqualTo("auto");
            assertThat(promoted.figures()).containsEntry("successes", 10).containsEntry("attempts", 10).containsEntry("successRate", 1.0);

            DecisionRecord auto = crash(rules, "service:s11");
            assertThat(auto.outcome()).as(rules.dump()).isEqualTo("run");
            assertThat(verdict(auto, "autonomy").verdict()).isEqualTo("pass");
        }
    }

    @Test
    void aVerificationFailureCountsAgainstThePairAndNineOfTenIsNotEnoughWhenTheRateIsSetHigher() {
        PolicySettings strict = startingIn(AutonomyMode.SUGGEST).toBuilder().autonomy(5, 3, 1.0, 30, 3).build();
        try (RuleTestSession rules = new RuleTestSession(strict)) {
            // One attempt that did not clear the issue within its deadline, then three that did.
            DecisionRecord first = crash(rules, "service:s0");
            rules.insert(new ApprovalVerdict(rules.approvals().get(0).id(), true, "alice", "ok"));
            rules.outcome(rules.lastDecision(), true);
            rules.advance(Duration.ofMinutes(3));
            assertThat(rules.autonomy("service_down", "process.restart").outcomes()).as(rules.dump()).isEqualTo("F");
            assertThat(first.outcome()).isEqualTo("awaiting_approval");
            for (int i = 1; i <= 3; i++) {
                crash(rules, "service:s" + i);
                rules.insert(new ApprovalVerdict(rules.approvals().get(rules.approvals().size() - 1).id(), true, "alice", "ok"));
                fixed(rules, rules.lastDecision());
            }
            assertThat(rules.autonomy("service_down", "process.restart").outcomes()).isEqualTo("FSSS");
            assertThat(rules.autonomy("service_down", "process.restart").mode()).as("75 %% is below the 100 %% asked for").isEqualTo("suggest");
        }
    }

    @Test
    void aRunOfFailuresDemotesOneStepAndAPinHoldsAgainstTheRules() {
        try (RuleTestSession rules = new RuleTestSession(startingIn(AutonomyMode.AUTO))) {
            for (int i = 1; i <= 3; i++) {
                DecisionRecord run = crash(rules, "service:f" + i);
                assertThat(run.outcome()).as(rules.dump()).isEqualTo("run");
                rules.outcome(run, false);
                assertThat(rules.autonomy("service_down", "process.restart").mode()).isEqualTo(i < 3 ? "auto" : "suggest");
            }
            AutonomyChangeRecord demoted = rules.autonomyChanges().get(0);
            assertThat(rules.autonomyChanges()).hasSize(1);
            assertThat(demoted.kind()).isEqualTo("demoted");
            assertThat(demoted.figures()).as("each failure counted once").containsEntry("failuresInARow", 3).containsEntry("attempts", 3);
            assertThat(crash(rules, "service:f4").outcome()).isEqualTo("awaiting_approval");

            rules.insert(new AutonomyPin("default", "service_down", "process.restart", AutonomyMode.AUTO, "alice", "known good",
                    rules.engine().now()));
            assertThat(rules.autonomy("service_down", "process.restart").pinned()).isTrue();
            for (int i = 5; i <= 8; i++) {
                DecisionRecord run = crash(rules, "service:f" + i);
                assertThat(run.outcome()).as("pinned auto: " + rules.dump()).isEqualTo("run");
                rules.outcome(run, false);
            }
            assertThat(rules.autonomy("service_down", "process.restart").mode()).as("a pinned pair is not demoted").isEqualTo("auto");
            assertThat(rules.autonomyChanges()).extracting(AutonomyChangeRecord::kind).containsExactly("demoted", "pinned");
            assertThat(rules.autonomyChanges().get(1).changedBy()).isEqualTo("operator alice");

            rules.insert(new AutonomyPin("default", "service_down", "process.restart", null, "alice", "let the rules judge",
                    rules.engine().now()));
            assertThat(rules.autonomy("service_down", "process.restart").mode()).as("unpinned with 4 failures in a row: demoted")
                    .isEqualTo("suggest");
        }
    }

    @Test
    void aChangeHeardFromAnotherReplicaIsTakenWhenNewerAndOnlyThenAndRecordedNoSecondTime() {
        try (RuleTestSession rules = new RuleTestSession(startingIn(AutonomyMode.AUTO))) {
            long now = rules.engine().now();
            // Pinned to observe through another replica before this engine met the pair: it takes the stored pair.
            rules.insert(new io.homeostat.service.engine.facts.AutonomyHeard("default", "service_down", "process.restart",
                    AutonomyMode.OBSERVE, true, "SF", 1, 0, 0, "operator alice", now));
            assertThat(rules.autonomy("service_down", "process.restart").pinned()).isTrue();
            assertThat(crash(rules, "service:h1").outcome()).as("pinned to observe elsewhere: " + rules.dump()).isEqualTo("dry_run");
            // An older view of the pair (a write that came before the pin) changes nothing.
            rules.insert(new io.homeostat.service.engine.facts.AutonomyHeard("default", "service_down", "process.restart",
                    AutonomyMode.AUTO, false, "", 0, 0, 0, "start (policy)", now - 60_000));
            assertThat(rules.autonomy("service_down", "process.restart").mode()).isEqualTo("observe");
            // A newer one (pinned to auto through the other replica) is taken.
            rules.insert(new io.homeostat.service.engine.facts.AutonomyHeard("default", "service_down", "process.restart",
                    AutonomyMode.AUTO, true, "SF", 0, 0, 0, "operator bob", now + 1));
            assertThat(rules.autonomy("service_down", "process.restart").mode()).isEqualTo("auto");
            assertThat(crash(rules, "service:h2").outcome()).isEqualTo("run");
            assertThat(rules.autonomyChanges()).as("recorded by the replica it was made through, not again here").isEmpty();
            assertThat(rules.engine().facts(io.homeostat.service.engine.facts.AutonomyHeard.class)).as("none left behind").isEmpty();
        }
    }

    @Test
    void anOperatorsManualRunIsTheHumanItNeedsInObserveMode() {
        try (RuleTestSession rules = new RuleTestSession(startingIn(AutonomyMode.OBSERVE))) {
            DecisionRecord observed = crash(rules, "service:m");
            assertThat(observed.outcome()).isEqualTo("dry_run");
            rules.insert(io.homeostat.service.engine.facts.Proposal.manual("p-manual", observed.issueId(), "process.restart", Map.of(),
                    "bob", null));
            DecisionRecord manual = rules.lastDecision();
            assertThat(manual.outcome()).as(rules.dump()).isEqualTo("run");
            assertThat(verdict(manual, "autonomy").message()).isEqualTo("an operator asked for this run");
        }
    }
}
