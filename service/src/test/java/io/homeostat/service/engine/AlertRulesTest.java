package io.homeostat.service.engine;

import io.homeostat.service.testing.TestPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.service.engine.facts.Alert;
import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.Severity;
import io.homeostat.service.model.DecisionRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The shipped alert rules (alerts.drl and the hold-off gate) on a pseudo clock: a firing alert opens
 * its issue, a resolved one is a healthy reading, and a resolved alert cancels what has not started:
 * a hold-off, an approval, a deferral. Acting on an alert that already resolved is what must not happen.
 */
class AlertRulesTest {
    private static Alert alert(RuleTestSession rules, String fingerprint, String resource, String type, boolean firing, long startsAt,
                               Duration holdOff) {
        long now = rules.engine().now();
        return new Alert("default", fingerprint, "InstanceDown", resource, type, type == null ? null : Severity.HIGH,
                Map.of("alertname", "InstanceDown", "job", "web"), Map.of("summary", "web is down"), "alertmanager", firing, startsAt,
                firing ? 0 : now, holdOff.toMillis(), now);
    }

    private static List<DecisionRecord> runs(RuleTestSession rules) {
        return rules.decisions().stream().filter(d -> d.outcome().equals("run")).toList();
    }

    @Test
    void aFiringAlertOpensItsIssueAndItsResolutionResolvesIt() {
        try (RuleTestSession rules = new RuleTestSession()) {
            long start = rules.engine().now();
            rules.insert(alert(rules, "f1", "service:web", "service_down", true, start, Duration.ZERO));
            assertThat(rules.issue().type()).isEqualTo("service_down");
            assertThat(rules.issue().summary()).isEqualTo("InstanceDown: web is down");
            assertThat(rules.issue().reporters()).containsExactly("alertmanager");
            assertThat(rules.lastDecision().outcome()).as(rules.dump()).isEqualTo("run");
            assertThat(rules.lastDecision().explanation()).extracting(DecisionRecord.ExplanationEntry::gate)
                    .as("no hold-off configured: no hold-off verdict").doesNotContain("hold-off");

            rules.outcome(rules.lastDecision(), true);
            rules.advance(Duration.ofSeconds(20)).insert(alert(rules, "f1", "service:web", "service_down", false, start, Duration.ZERO));
            assertThat(rules.issue().lastClearAt()).as("resolved is a healthy reading").isNotNull();
            rules.advance(Duration.ofMinutes(3));
            assertThat(rules.issue().state()).isEqualTo("resolved");
            assertThat(runs(rules)).hasSize(1);
        }
    }

    @Test
    void aBeatOnTimeAfterAnAlertAboutTheHeartbeatIsItsHealthyReading() {
        // An alert mapped to missing_heartbeat on a resource whose own beats were arriving on time:
        // the next beat clears the issue, as after a miss the rules saw themselves.
        try (RuleTestSession rules = new RuleTestSession()) {
            for (int i = 0; i < 3; i++) {
                rules.signal("job:billing", "heartbeat", 10).advance(Duration.ofSeconds(10));
            }
            rules.insert(alert(rules, "f7", "job:billing", "missing_heartbeat", true, rules.engine().now(), Duration.ZERO));
            assertThat(rules.issue().type()).isEqualTo("missing_heartbeat");
            assertThat(rules.issue().lastClearAt()).as("no beat since the alert").isNull();
            rules.advance(Duration.ofSeconds(5)).signal("job:billing", "heartbeat", 10).fire();
            assertThat(rules.issue().lastClearAt()).as(rules.dump()).isNotNull();
        }
    }

    @Test
    void resolvedWithinTheHoldOffNothingRunsAndTheDecisionSaysWhy() {
        try (RuleTestSession rules = new RuleTestSession()) {
            long start = rules.engine().now();
            rules.insert(alert(rules, "f2", "service:web", "service_down", true, start, Duration.ofMinutes(2)));
            DecisionRecord held = rules.lastDecision();
            assertThat(held.outcome()).as(rules.dump()).isEqualTo("deferred");
            assertThat(held.reason()).startsWith("hold-off: act only if the alert still fires at");

            rules.advance(Duration.ofSeconds(70)).insert(alert(rules, "f2", "service:web", "service_down", false, start, Duration.ofMinutes(2)));
            DecisionRecord cancelled = rules.lastDecision();
            assertThat(cancelled.outcome()).isEqualTo("blocked");
            assertThat(cancelled.reason()).startsWith("alert: cancelled: the alert resolved at ");
            rules.advance(Duration.ofMinutes(10));
            assertThat(runs(rules)).as(rules.dump()).isEmpty();
            assertThat(rules.issue().state()).isEqualTo("resolved");
        }
    }

    @Test
    void stillFiringAfterTheHoldOffItRuns() {
        try (RuleTestSession rules = new RuleTestSession()) {
            long start = rules.engine().now();
            rules.insert(alert(rules, "f3", "service:web", "service_down", true, start, Duration.ofMinutes(2)));
            rules.advance(Duration.ofSeconds(119));
            assertThat(runs(rules)).as(rules.dump()).isEmpty();
            rules.advance(Duration.ofSeconds(20));
            assertThat(runs(rules)).as(rules.dump()).hasSize(1);
            assertThat(GatesTest.verdict(runs(rules).get(0), "hold-off").message()).startsWith("the alert still fires after its hold-off");
        }
    }

    @Test
    void resolvedWhileAnApprovalIsPendingCancelsTheApproval() {
        try (RuleTestSession rules = new RuleTestSession()) {
            rules.engine().setAvailableActions(List.of(new AvailableAction("process.restart", "process", "HIGH", 1, false, Set.of(), 0.7)));
            long start = rules.engine().now();
            rules.insert(alert(rules, "f4", "service:db", "service_down", true, start, Duration.ZERO));
            assertThat(rules.lastDecision().outcome()).as(rules.dump()).isEqualTo("awaiting_approval");

            rules.advance(Duration.ofMinutes(1)).insert(alert(rules, "f4", "service:db", "service_down", false, start, Duration.ZERO));
            assertThat(rules.approvals()).singleElement().satisfies(a -> {
                assertThat(a.state()).isEqualTo("cancelled");
                assertThat(a.reason()).startsWith("the alert resolved at ");
            });
            assertThat(rules.lastDecision().reason()).startsWith("alert: cancelled: the alert resolved at ");
            rules.advance(Duration.ofMinutes(20));
            assertThat(runs(rules)).as(rules.dump()).isEmpty();
        }
    }

    @Test
    void resolvedWhileDeferredByARateLimitNothingRuns() {
        try (RuleTestSession rules = new RuleTestSession(TestPolicy.trusted().toBuilder().rateLimits(10, 10, 1).build())) {
            long start = rules.engine().now();
            rules.insert(alert(rules, "f5", "service:a", "service_down", true, start, Duration.ZERO));
            assertThat(rules.lastDecision().outcome()).isEqualTo("run");
            rules.insert(alert(rules, "f6", "service:b", "service_down", true, start, Duration.ZERO));
            assertThat(rules.lastDecision().outcome()).as(rules.dump()).isEqualTo("deferred");
            assertThat(rules.lastDecision().reason()).startsWith("rate.global");

            rules.advance(Duration.ofMinutes(5)).insert(alert(rules, "f6", "service:b", "service_down", false, start, Duration.ZERO));
            assertThat(rules.lastDecision().reason()).as(rules.dump()).startsWith("alert: cancelled: the alert resolved at ");
            rules.advance(Duration.ofHours(2));
            assertThat(runs(rules)).extracting(DecisionRecord::resource).as(rules.dump()).containsExactly("service:a");
        }
    }

    @Test
    void anUnmappedAlertOpensNothingAndAMappedTypeWithoutAStrategyGoesToAHuman() {
        try (RuleTestSession rules = new RuleTestSession()) {
            long start = rules.engine().now();
            rules.insert(alert(rules, "f7", "service:web", null, true, start, Duration.ZERO));
            assertThat(rules.issues()).isEmpty();

            rules.insert(alert(rules, "f8", "service:web", "dns_failure", true, start, Duration.ZERO));
            assertThat(rules.issue().state()).isEqualTo("escalated");
            assertThat(rules.escalations()).singleElement().satisfies(e -> assertThat(e.reason()).contains("no rule proposes a strategy"));
        }
    }

    @Test
    void resolvedWhileItsAttemptWaitsInTheExecutorTheAttemptIsCalledOff() {
        try (RuleTestSession rules = new RuleTestSession()) {
            long start = rules.engine().now();
            rules.insert(alert(rules, "f9", "service:web", "service_down", true, start, Duration.ZERO));
            DecisionRecord run = rules.lastDecision();
            assertThat(run.outcome()).isEqualTo("run");
            rules.advance(Duration.ofSeconds(2)).insert(alert(rules, "f9", "service:web", "service_down", false, start, Duration.ZERO));
            assertThat(rules.cancellations()).singleElement().satisfies(cancel -> {
                assertThat(cancel.decisionId()).isEqualTo(run.id());
                assertThat(cancel.reason()).startsWith("cancelled: the alert resolved at ");
            });
            // The executor had not started it: it says so, and that is the decision.
            rules.insert(io.homeostat.service.engine.facts.RemediationOutcome.cancelled(run.id(), run.issueId(), run.tenant(), run.resource(),
                    run.actionId(), rules.cancellations().get(0).reason(), rules.engine().now()));
            assertThat(rules.lastDecision().reason()).startsWith("alert: cancelled: the alert resolved at ");
            assertThat(rules.lastDecision().outcome()).isEqualTo("blocked");
            rules.advance(Duration.ofMinutes(10));
            assertThat(runs(rules)).as("decided once, called off, never decided again" + rules.dump()).hasSize(1);
            assertThat(rules.issue().state()).isEqualTo("resolved");
            assertThat(rules.statistics()).as("a called-off attempt is not learned from").isEmpty();
        }
    }

    @Test
    void aCriticalIssueWaitingOnlyOnItsHoldOffIsNotEscalatedButOneWaitingOnALimitIs() {
        try (RuleTestSession rules = new RuleTestSession(TestPolicy.trusted().toBuilder().rateLimits(10, 10, 1).build())) {
            long start = rules.engine().now();
            long now = rules.engine().now();
            rules.insert(new Alert("default", "c1", "Down", "service:pay", "service_down", Severity.CRITICAL, Map.of("alertname", "Down"),
                    Map.of(), "alertmanager", true, start, 0, Duration.ofMinutes(2).toMillis(), now));
            assertThat(rules.lastDecision().outcome()).as(rules.dump()).isEqualTo("deferred");
            assertThat(rules.escalations()).as("a hold-off is the wait the operator asked for, not a limit").isEmpty();

            rules.advance(Duration.ofMinutes(3));
            assertThat(runs(rules)).hasSize(1);
            rules.insert(new Alert("default", "c2", "Down", "service:ledger", "service_down", Severity.CRITICAL, Map.of("alertname", "Down"),
                    Map.of(), "alertmanager", true, rules.engine().now(), 0, 0, rules.engine().now()));
            assertThat(rules.lastDecision().reason()).as(rules.dump()).startsWith("rate.global");
            assertThat(rules.escalations()).singleElement().satisfies(e -> assertThat(e.reason()).startsWith("critical work is waiting on a limit"));
        }
    }
}
