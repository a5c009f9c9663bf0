package io.homeostat.service.engine;

import io.homeostat.service.testing.TestPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.service.engine.facts.ApprovalVerdict;
import io.homeostat.service.engine.facts.AutoRemediation;
import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.Proposal;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.IssueRecord;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One scenario per gate of rules/gates.drl on the pseudo clock, on both sides of its threshold,
 * checking the decision's outcome and the figures the gate recorded.
 */
class GatesTest {
    private static final Map<String, String> NO_LABELS = Map.of();

    /** Three failed probes: a service_down issue (high severity) whose primary strategy is process.restart. */
    static void down(RuleTestSession rules, String tenant, String resource, String source, Map<String, String> labels) {
        for (int i = 0; i < 3; i++) {
            rules.signal(tenant, resource, "probe.success", 0, source, labels);
        }
    }

    static void down(RuleTestSession rules, String resource) {
        down(rules, "default", resource, "prober", NO_LABELS);
    }

    static DecisionRecord.ExplanationEntry verdict(DecisionRecord decision, String gate) {
        return decision.explanation().stream().filter(step -> gate.equals(step.gate())).findFirst()
                .orElseThrow(() -> new AssertionError("no verdict of " + gate + " in " + decision.explanation()));
    }

    private static PolicySettings.Builder policy() {
        return TestPolicy.trusted().toBuilder();
    }

    @Test
    void everyGateRecordsItsVerdictOnARunDecision() {
        try (RuleTestSession rules = new RuleTestSession()) {
            down(rules, "service:web");
            DecisionRecord decision = rules.lastDecision();
            assertThat(decision.outcome()).as(decision.reason()).isEqualTo("run");
            assertThat(decision.explanation()).extracting(DecisionRecord.ExplanationEntry::gate).containsSubsequence(
                    "action-available", "auto-remediation", "window", "breaker", "cost-benefit", "quorum", "concurrency.resource",
                    "concurrency.global", "blast-radius", "rate.resource", "rate.tenant", "rate.global", "approval", "dry-run");
            assertThat(verdict(decision, "cost-benefit").figures()).containsKeys("roi", "benefit", "pSuccess", "cost", "riskPenalty");
        }
    }

    @Test
    void anActionNoPluginProvidesIsBlockedWithThatReasonAndTheNextStrategyIsTried() {
        try (RuleTestSession rules = new RuleTestSession()) {
            rules.engine().setAvailableActions(List.of(RuleTestSession.HTTP));
            down(rules, "service:web");
            // The strategy an available plugin provides goes first; when it fails, the other is decided and blocked.
            assertThat(rules.decisions()).as(rules.dump()).extracting(DecisionRecord::actionId).containsExactly("http.call");
            rules.outcome(rules.lastDecision(), false);
            assertThat(rules.lastDecision().outcome()).isEqualTo("blocked");
            assertThat(rules.lastDecision().reason()).isEqualTo("action-available: no loaded plugin provides process.restart");
            assertThat(rules.issue().state()).as("every strategy was tried").isEqualTo("escalated");
        }
    }

    @Test
    void autoRemediationSwitchedOffGloballyOrForATenantBlocksAutomaticRunsButNotManualOnes() {
        try (RuleTestSession rules = new RuleTestSession(policy().build())) {
            rules.insert(new AutoRemediation("acme", false, "ops", "incident", rules.engine().now()));
            down(rules, "acme", "service:a", "prober", NO_LABELS);
            assertThat(rules.lastDecision().outcome()).isEqualTo("blocked");
            assertThat(verdict(rules.lastDecision(), "auto-remediation").message()).contains("switched off for [acme]");

            down(rules, "other", "service:b", "prober", NO_LABELS);
            assertThat(rules.lastDecision().outcome()).as("another tenant is not affected").isEqualTo("run");

            rules.insert(new AutoRemediation("*", false, "ops", "freeze", rules.engine().now()));
            down(rules, "other", "service:c", "prober", NO_LABELS);
            assertThat(rules.lastDecision().outcome()).isEqualTo("blocked");

            String issueId = rules.issues().stream().filter(i -> i.resource().equals("service:c")).findFirst().orElseThrow().id();
            rules.insert(Proposal.manual(issueId, "process.restart", Map.of(), "alice", null));
            assertThat(rules.lastDecision().outcome()).as(rules.lastDecision().reason()).isEqualTo("run");
            assertThat(verdict(rules.lastDecision(), "auto-remediation").verdict()).isEqualTo("pass");

            rules.insert(new AutoRemediation("*", true, "ops", "over", rules.engine().now()));
            down(rules, "other", "service:d", "prober", NO_LABELS);
            assertThat(rules.lastDecision().outcome()).isEqualTo("run");
        }
    }

    @Test
    void aMaintenanceWindowBlocksActionsForItsLabelOnlyWhileItIsOpen() {
        try (RuleTestSession rules = new RuleTestSession()) {
            rules.engine().setAvailableActions(List.of(RuleTestSession.RESTART));
            // Every day at 00:10 UTC for 30 minutes; the session starts at 00:00.
            rules.engine().setWindows(List.of(new WindowSchedule("nightly", "maintenance", "10 0 * * *", Duration.ofMinutes(30),
                    ZoneOffset.UTC, "service=checkout")));
            down(rules, "default", "service:checkout-1", "prober", Map.of("service", "checkout"));
            assertThat(rules.lastDecision().outcome()).as("before the window opens").isEqualTo("run");

            rules.advance(Duration.ofMinutes(15));
            down(rules, "default", "service:checkout-2", "prober", Map.of("service", "checkout"));
            DecisionRecord inside = rules.decisions().stream().filter(d -> d.resource().equals("service:checkout-2")).findFirst()
                    .orElseThrow();
            assertThat(inside.outcome()).as(rules.dump()).isEqualTo("blocked");
            assertThat(inside.reason()).startsWith("window: inside maintenance window nightly");
            down(rules, "default", "service:search-1", "prober", Map.of("service", "search"));
            assertThat(rules.lastDecision().outcome()).as("another label").isEqualTo("run");

            rules.outcome(rules.decisions().get(0), false); // checkout-1's attempt ends: the group is free again
            rules.advance(Duration.ofMinutes(30));
            down(rules, "default", "service:checkout-3", "prober", Map.of("service", "checkout"));
            assertThat(rules.lastDecision().outcome()).as("after the window closed").isEqualTo("run");
        }
    }

    @Test
    void theCostBenefitGateRunsOnlyAboveTheRoiThreshold() {
        // service_down: benefit = 0.7 × 10 (high) × 1 × 1 min = 7; cost = 1 + 1 (medium risk) = 2; ROI = 2.5.
        PolicySettings.Builder base = policy().costBenefit(0, Map.of(), Map.of(), Map.of("service_down", 1.0), 30, Map.of(), 1);
        try (RuleTestSession rules = new RuleTestSession(base.roiThreshold(2.4).build())) {
            down(rules, "service:web");
            DecisionRecord decision = rules.decisions().get(0);
            assertThat(decision.outcome()).isEqualTo("run");
            assertThat(verdict(decision, "cost-benefit").figures()).containsEntry("roi", 2.5).containsEntry("benefit", 7.0)
                    .containsEntry("cost", 2.0);
        }
        try (RuleTestSession rules = new RuleTestSession(base.roiThreshold(2.6).build())) {
            down(rules, "service:web");
            DecisionRecord decision = rules.decisions().get(0);
            assertThat(decision.outcome()).isEqualTo("blocked");
            assertThat(decision.reason()).startsWith("cost-benefit: ROI 2.50 <= threshold 2.60");
        }
    }

    @Test
    void resourceCriticalityRaisesTheBenefit() {
        PolicySettings.Builder base = policy().costBenefit(2.6, Map.of(), Map.of(), Map.of("service_down", 1.0), 30,
                Map.of("service:checkout*", 2.0), 1);
        try (RuleTestSession rules = new RuleTestSession(base.build())) {
            down(rules, "service:checkout-1");
            assertThat(rules.decisions().get(0).outcome()).isEqualTo("run");
            assertThat(verdict(rules.decisions().get(0), "cost-benefit").figures()).containsEntry("criticality", 2.0);
        }
    }

    @Test
    void criticalActionsNeedAQuorumOfTheSourcesObservingTheResource() {
        PolicySettings quorum = policy().quorum("medium", 0.6).build();
        try (RuleTestSession rules = new RuleTestSession(quorum)) {
            rules.signal("default", "service:web", "probe.success", 1, "probe-b", NO_LABELS);
            down(rules, "default", "service:web", "probe-a", NO_LABELS);
            DecisionRecord decision = rules.decisions().get(0);
            assertThat(decision.outcome()).isEqualTo("blocked");
            assertThat(verdict(decision, "quorum").message()).isEqualTo("1 of 2 sources observing service:web report it (need 0.6)");
        }
        try (RuleTestSession rules = new RuleTestSession(quorum)) {
            rules.signal("default", "service:web", "probe.success", 0, "probe-b", NO_LABELS);
            down(rules, "default", "service:web", "probe-a", NO_LABELS);
            DecisionRecord decision = rules.decisions().get(0);
            assertThat(decision.outcome()).as(decision.reason()).isEqualTo("run");
            assertThat(verdict(decision, "quorum").figures()).containsEntry("observers", 2).containsEntry("share", 1.0);
        }
        try (RuleTestSession rules = new RuleTestSession()) {
            rules.signal("default", "service:web", "probe.success", 1, "probe-b", NO_LABELS);
            down(rules, "default", "service:web", "probe-a", NO_LABELS);
            assertThat(verdict(rules.decisions().get(0), "quorum").message()).as("medium risk is below the default 'high'")
                    .startsWith("not needed");
        }
    }

    @Test
    void oneRemediationPerResourceAtOnceTheSecondIsDeferredNotDropped() {
        try (RuleTestSession rules = new RuleTestSession()) {
            // Only process.restart is available, so the memory issue has no fallback to take the resource again.
            rules.engine().setAvailableActions(List.of(RuleTestSession.RESTART));
            rules.signal("service:cart", "memory.used_percent", 95);
            down(rules, "service:cart");
            assertThat(rules.decisions()).extracting(DecisionRecord::outcome).containsExactly("run", "deferred");
            DecisionRecord deferred = rules.lastDecision();
            assertThat(deferred.reason()).isEqualTo("concurrency.resource: another remediation is running on service:cart");
            assertThat(verdict(deferred, "concurrency.resource").figures()).containsEntry("active", 1L).containsEntry("retryAfterMillis", 15_000L);

            rules.outcome(rules.decisions().get(0), false).advance(Duration.ofSeconds(16));
            assertThat(rules.lastDecision().outcome()).as("evaluated again once the resource is free").isEqualTo("run");
            assertThat(rules.lastDecision().issueType()).isEqualTo("service_down");
        }
    }

    @Test
    void atMostMaxConcurrentRemediationsRunAtOnce() {
        try (RuleTestSession rules = new RuleTestSession(policy().maxConcurrent(2).build())) {
            rules.engine().setAvailableActions(List.of(RuleTestSession.RESTART));
            down(rules, "service:a");
            down(rules, "service:b");
            down(rules, "service:c");
            assertThat(rules.decisions()).extracting(DecisionRecord::outcome).containsExactly("run", "run", "deferred");
            assertThat(rules.lastDecision().reason()).isEqualTo("concurrency.global: 2 of 2 remediations running");

            rules.outcome(rules.decisions().get(0), false).advance(Duration.ofSeconds(16));
            assertThat(rules.lastDecision().resource()).isEqualTo("service:c");
            assertThat(rules.lastDecision().outcome()).isEqualTo("run");
        }
    }

    @Test
    void anAttemptWaitingInVerificationDoesNotHoldAGlobalSlot() {
        // Found: verifications of issues that did not clear held all five global slots while a real issue waited.
        try (RuleTestSession rules = new RuleTestSession(policy().maxConcurrent(2).build())) {
            rules.engine().setAvailableActions(List.of(RuleTestSession.RESTART));
            down(rules, "service:a");
            down(rules, "service:b");
            rules.outcome(rules.decisions().get(0), true).outcome(rules.decisions().get(1), true);
            assertThat(rules.issues()).extracting(IssueRecord::state).containsOnly("verifying");

            down(rules, "service:c");
            assertThat(rules.lastDecision().resource()).isEqualTo("service:c");
            assertThat(rules.lastDecision().outcome()).as(rules.dump()).isEqualTo("run");
            assertThat(rules.lastDecision().explanation()).filteredOn(step -> "concurrency.global".equals(step.gate()))
                    .singleElement().satisfies(step -> assertThat(step.figures()).containsEntry("active", 0L));
        }
    }

    @Test
    void theBlastRadiusLimitsTheShareOfAGroupUnderRemediation() {
        try (RuleTestSession rules = new RuleTestSession()) {
            Map<String, String> checkout = Map.of("service", "checkout");
            for (int i = 1; i <= 8; i++) {
                rules.signal("default", "service:checkout-" + i, "probe.success", 1, "prober", checkout);
            }
            // 8 members × 25% = 2 at once.
            down(rules, "default", "service:checkout-1", "prober", checkout);
            down(rules, "default", "service:checkout-2", "prober", checkout);
            down(rules, "default", "service:checkout-3", "prober", checkout);
            down(rules, "default", "service:search-1", "prober", Map.of("service", "search"));
            assertThat(rules.decisions()).extracting(DecisionRecord::outcome).containsExactly("run", "run", "deferred", "run");
            DecisionRecord deferred = rules.decisions().get(2);
            assertThat(deferred.reason()).isEqualTo("blast-radius: 2 of 8 members of service=checkout under remediation (limit 2)");
            assertThat(verdict(deferred, "blast-radius").figures()).containsEntry("members", 8L).containsEntry("underRemediation", 2L);
        }
    }

    @Test
    void theHourlyLimitPerResourceDefersUntilTheWindowMoves() {
        // Probation off: a problem coming back within the hour would otherwise escalate (see LifecycleTest).
        try (RuleTestSession rules = new RuleTestSession(policy().rateLimits(2, 10, 100).probationMillis(1).build())) {
            // high_memory opens on one reading; restart, verify (a healthy reading), resolve, and again.
            for (int episode = 0; episode < 3; episode++) {
                rules.signal("service:cart", "memory.used_percent", 95);
                DecisionRecord decision = rules.lastDecision();
                if (decision.outcome().equals("run")) {
                    rules.outcome(decision, true).advance(Duration.ofSeconds(5)).signal("service:cart", "memory.used_percent", 40)
                            .advance(Duration.ofMinutes(3)).advance(Duration.ofSeconds(1));
                }
            }
            assertThat(rules.decisions()).as(rules.dump()).extracting(DecisionRecord::outcome).containsExactly("run", "run", "deferred");
            DecisionRecord deferred = rules.lastDecision();
            assertThat(verdict(deferred, "rate.resource").figures()).containsEntry("count", 2L).containsEntry("limit", 2);
            long retryAfter = ((Number) verdict(deferred, "rate.resource").figures().get("retryAfterMillis")).longValue();
            assertThat(retryAfter).as("until the oldest start leaves the hour").isBetween(Duration.ofMinutes(50).toMillis(),
                    Duration.ofHours(1).toMillis());

            rules.advance(Duration.ofMillis(retryAfter - 1_000));
            assertThat(rules.lastDecision()).isSameAs(deferred);
            rules.advance(Duration.ofSeconds(2));
            assertThat(rules.lastDecision().outcome()).as("once the window allows").isEqualTo("run");
        }
    }

    @Test
    void thePerTenantLimitPerMinuteDefersOnlyThatTenant() {
        try (RuleTestSession rules = new RuleTestSession(policy().rateLimits(10, 2, 100).build())) {
            down(rules, "acme", "service:a", "prober", NO_LABELS);
            down(rules, "acme", "service:b", "prober", NO_LABELS);
            down(rules, "acme", "service:c", "prober", NO_LABELS);
            down(rules, "other", "service:d", "prober", NO_LABELS);
            assertThat(rules.decisions()).extracting(DecisionRecord::outcome).containsExactly("run", "run", "deferred", "run");
            assertThat(rules.decisions().get(2).reason()).isEqualTo("rate.tenant: 2 of 2 remediations in tenant acme in the last minute");
            rules.advance(Duration.ofSeconds(61));
            assertThat(rules.lastDecision().resource()).as(rules.dump()).isEqualTo("service:c");
            assertThat(rules.lastDecision().outcome()).as(rules.lastDecision().reason()).isEqualTo("run");
        }
    }

    @Test
    void theGlobalHourlyLimitDefersEverything() {
        try (RuleTestSession rules = new RuleTestSession(policy().rateLimits(10, 10, 2).build())) {
            down(rules, "service:a");
            down(rules, "service:b");
            down(rules, "service:c");
            assertThat(rules.decisions()).extracting(DecisionRecord::outcome).containsExactly("run", "run", "deferred");
            assertThat(rules.lastDecision().reason()).isEqualTo("rate.global: 2 of 2 remediations in the last hour");
        }
    }

    @Test
    void criticalWorkOverALimitEscalatesAndStaysDeferred() {
        try (RuleTestSession rules = new RuleTestSession(policy().rateLimits(10, 10, 1).build())) {
            down(rules, "service:a");
            // disk_full is high; a critical issue comes from a rule with Severity.CRITICAL: use a manual-severity issue.
            rules.insert(criticalIssue("service:z"));
            assertThat(rules.lastDecision().outcome()).isEqualTo("deferred");
            assertThat(rules.escalations()).singleElement().satisfies(escalation ->
                    assertThat(escalation.reason()).startsWith("critical work is waiting on a limit: rate.global"));
        }
    }

    @Test
    void workDeferredLongerThanTheMaximumIsGivenUpAndEscalated() {
        try (RuleTestSession rules = new RuleTestSession(policy().rateLimits(10, 10, 1).deferral(15_000, 600_000).build())) {
            down(rules, "service:a");
            down(rules, "service:b");
            assertThat(rules.lastDecision().outcome()).isEqualTo("deferred");
            rules.advance(Duration.ofMinutes(5));
            assertThat(rules.escalations()).isEmpty();
            for (int i = 0; i < 8; i++) {
                rules.advance(Duration.ofMinutes(1));
            }
            assertThat(rules.escalations()).singleElement().satisfies(escalation ->
                    assertThat(escalation.reason()).startsWith("waited on limits for"));
        }
    }

    @Test
    void riskyActionsWaitForApprovalAndRunOnceApproved() {
        try (RuleTestSession rules = new RuleTestSession()) {
            rules.engine().setAvailableActions(List.of(risky()));
            down(rules, "service:db");
            DecisionRecord waiting = rules.lastDecision();
            assertThat(waiting.outcome()).isEqualTo("awaiting_approval");
            assertThat(rules.approvals()).singleElement().satisfies(a -> {
                assertThat(a.state()).isEqualTo("pending");
                assertThat(a.risk()).isEqualTo("HIGH");
            });
            String approvalId = rules.approvals().get(0).id();
            rules.advance(Duration.ofMinutes(14)).insert(new ApprovalVerdict(approvalId, true, "alice", "known fix"));
            DecisionRecord run = rules.lastDecision();
            assertThat(run.outcome()).isEqualTo("run");
            assertThat(verdict(run, "approval").message()).isEqualTo("approved by alice: known fix");
            assertThat(rules.approvals().get(0).state()).isEqualTo("approved");
        }
    }

    @Test
    void aRejectedApprovalIsABlockingDecision() {
        try (RuleTestSession rules = new RuleTestSession()) {
            rules.engine().setAvailableActions(List.of(risky()));
            down(rules, "service:db");
            rules.insert(new ApprovalVerdict(rules.approvals().get(0).id(), false, "bob", "not during the sale"));
            assertThat(rules.decisions()).as(rules.dump()).filteredOn(d -> d.reason().startsWith("approval") && d.outcome().equals("blocked"))
                    .singleElement().satisfies(d -> {
                        assertThat(d.outcome()).isEqualTo("blocked");
                        assertThat(d.reason()).isEqualTo("approval: rejected by bob: not during the sale");
                    });
        }
    }

    @Test
    void anApprovalExpiresAfterItsTimeoutAndTheExpiryIsADecision() {
        try (RuleTestSession rules = new RuleTestSession()) {
            rules.engine().setAvailableActions(List.of(risky()));
            down(rules, "service:db");
            rules.advance(Duration.ofMinutes(14));
            assertThat(rules.approvals().get(0).state()).isEqualTo("pending");
            rules.advance(Duration.ofMinutes(2));
            assertThat(rules.approvals().get(0).state()).isEqualTo("expired");
            DecisionRecord expired = rules.decisions().get(1);
            assertThat(expired.outcome()).isEqualTo("blocked");
            assertThat(expired.reason()).isEqualTo("approval: no one approved within 15 min; expired");

            int decisions = rules.decisions().size();
            rules.insert(new ApprovalVerdict(rules.approvals().get(0).id(), true, "late", "sorry"));
            assertThat(rules.decisions()).as("a late answer changes nothing").hasSize(decisions);
        }
    }

    @Test
    void dryRunRecordsExactlyWhatWouldHaveRunGloballyPerTenantPerPluginAndPerRule() {
        try (RuleTestSession rules = new RuleTestSession(policy().dryRun(true, Set.of(), Set.of()).build())) {
            down(rules, "service:web");
            DecisionRecord decision = rules.lastDecision();
            assertThat(decision.outcome()).isEqualTo("dry_run");
            assertThat(decision.reason()).isEqualTo("dry-run: would have run process.restart on service:web");
            assertThat(rules.engine().facts(io.homeostat.service.engine.facts.ActiveRemediation.class)).isEmpty();
            rules.advance(Duration.ofMinutes(5));
            assertThat(rules.decisions()).as("no other strategy is tried after a dry run").hasSize(1);
        }
        try (RuleTestSession rules = new RuleTestSession(policy().dryRun(false, Set.of("acme"), Set.of()).build())) {
            down(rules, "acme", "service:a", "p", NO_LABELS);
            down(rules, "other", "service:b", "p", NO_LABELS);
            assertThat(rules.decisions()).extracting(DecisionRecord::outcome).containsExactly("dry_run", "run");
            assertThat(verdict(rules.decisions().get(0), "dry-run").figures()).containsEntry("scope", "tenant acme");
        }
        try (RuleTestSession rules = new RuleTestSession(policy().dryRun(false, Set.of(), Set.of("process")).build())) {
            down(rules, "service:a");
            assertThat(verdict(rules.lastDecision(), "dry-run").figures()).containsEntry("scope", "plugin process");
        }
        try (RuleTestSession rules = new RuleTestSession()) {
            var issue = criticalIssue("service:x");
            rules.engine().insert(issue);
            rules.insert(new Proposal(issue.getId(), "process.restart", Map.of(), 1, "a cautious rule").dryRun());
            assertThat(verdict(rules.lastDecision(), "dry-run").figures()).containsEntry("scope", "the rule that proposed it");
        }
    }

    @Test
    void anOperatorCanOverrideTheGatesAndTheOverrideIsRecorded() {
        try (RuleTestSession rules = new RuleTestSession(policy().rateLimits(10, 10, 1).build())) {
            down(rules, "service:a");
            down(rules, "service:b");
            assertThat(rules.lastDecision().outcome()).isEqualTo("deferred");
            String issueB = rules.lastDecision().issueId();
            rules.insert(Proposal.manual(issueB, "http.call", Map.of("endpoint", "replace-instance"), "alice", "customer impact"));
            DecisionRecord overridden = rules.decisions().stream().filter(d -> d.actionId().equals("http.call")).findFirst().orElseThrow();
            assertThat(overridden.outcome()).isEqualTo("run");
            assertThat(overridden.reason()).isEqualTo("operator alice overrode rate.global: customer impact");
            assertThat(verdict(overridden, "rate.global").verdict()).isEqualTo("defer");
        }
    }

    static AvailableAction risky() {
        return new AvailableAction("process.restart", "process", "HIGH", 1, false, Set.of(), 0.7);
    }

    static io.homeostat.service.engine.facts.Issue criticalIssue(String resource) {
        return new io.homeostat.service.engine.facts.Issue("default", resource, "service_down",
                io.homeostat.service.engine.facts.Severity.CRITICAL, "application", RuleTestSession.START, "test", "critical");
    }

    @Test
    void aTenantsOwnPolicyOverridesTheGlobalNumbersForItAlone() {
        PolicySettings policy = policy()
                .tenant(new io.homeostat.service.engine.facts.TenantPolicy("strict", 1, "medium", null, null, Set.of("http.call"), null))
                .tenant(new io.homeostat.service.engine.facts.TenantPolicy("trial", null, null, true, null, null, null))
                .tenant(new io.homeostat.service.engine.facts.TenantPolicy("careful", null, null, null, false, null, null))
                .build();
        try (RuleTestSession rules = new RuleTestSession(policy)) {
            // strict may not restart processes: blocked by its action list; its fallback needs approval from MEDIUM on.
            down(rules, "strict", "service:a", "prober", NO_LABELS);
            assertThat(rules.decisions()).as(rules.dump()).extracting(DecisionRecord::actionId, DecisionRecord::outcome)
                    .contains(org.assertj.core.groups.Tuple.tuple("process.restart", "blocked"),
                            org.assertj.core.groups.Tuple.tuple("http.call", "awaiting_approval"));
            DecisionRecord blocked = rules.decisions().stream().filter(d -> d.outcome().equals("blocked")).findFirst().orElseThrow();
            assertThat(blocked.reason()).isEqualTo("tenant-actions: tenant strict may not use process.restart (tenants.strict.actions)");

            // trial runs dry; the default tenant, with no overrides, runs for real.
            down(rules, "trial", "service:b", "prober", NO_LABELS);
            assertThat(rules.lastDecision().outcome()).isEqualTo("dry_run");
            down(rules, "default", "service:c", "prober", NO_LABELS);
            assertThat(rules.lastDecision().outcome()).isEqualTo("run");

            // careful starts with automation off, until an operator switches it on.
            down(rules, "careful", "service:d", "prober", NO_LABELS);
            assertThat(rules.lastDecision().outcome()).isEqualTo("blocked");
            assertThat(verdict(rules.lastDecision(), "auto-remediation").message()).contains("careful (tenant policy)");
        }
        try (RuleTestSession rules = new RuleTestSession(policy)) {
            rules.insert(new AutoRemediation("careful", true, "ops", "checked", rules.engine().now()));
            down(rules, "careful", "service:d", "prober", NO_LABELS);
            assertThat(rules.lastDecision().outcome()).as(rules.dump()).isEqualTo("run");
        }
        // strict's own rate: one a minute, while others keep the global ten.
        PolicySettings rate = policy().tenant(new io.homeostat.service.engine.facts.TenantPolicy("strict", 1, "none", null, null, null, null))
                .build();
        try (RuleTestSession rules = new RuleTestSession(rate)) {
            down(rules, "strict", "service:a", "prober", NO_LABELS);
            down(rules, "strict", "service:b", "prober", NO_LABELS);
            down(rules, "other", "service:c", "prober", NO_LABELS);
            down(rules, "other", "service:e", "prober", NO_LABELS);
            assertThat(rules.decisions()).extracting(DecisionRecord::outcome).containsExactly("run", "deferred", "run", "run");
            assertThat(rules.decisions().get(1).reason()).isEqualTo("rate.tenant: 1 of 1 remediations in tenant strict in the last minute");
        }
    }
}
