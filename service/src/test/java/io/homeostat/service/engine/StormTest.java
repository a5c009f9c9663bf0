package io.homeostat.service.engine;

import io.homeostat.service.testing.TestPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.service.engine.facts.ActiveRemediation;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.EscalationRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * 1,000 resources fail at once (10 tenants of 100 resources, in groups of 10: a group is a label
 * value within a tenant) under the default policy. On the
 * pseudo clock, with every attempt succeeding 10 s after it starts and the resource then probing
 * healthy, the rate, concurrency and blast-radius limits hold at every step, and every deferred
 * decision is eventually run or escalated.
 */
class StormTest {
    private static final int RESOURCES = 1_000;
    private static final Duration STEP = Duration.ofSeconds(5);

    @Test
    void aThousandResourcesFailingAtOnceNeverExceedTheLimitsAndNothingIsDropped() {
        PolicySettings policy = TestPolicy.trusted();
        try (RuleTestSession rules = new RuleTestSession(policy)) {
            EngineSession session = rules.engine();
            for (int i = 0; i < RESOURCES; i++) {
                for (int probe = 0; probe < 3; probe++) {
                    session.insert(new Signal(tenant(i), resource(i), "probe.success", 0, session.now(), null, "prober",
                            Map.of("service", group(i)), System.nanoTime()));
                }
            }
            rules.fire();
            assertThat(rules.issues()).hasSize(RESOURCES);

            Map<String, Long> started = new HashMap<>();    // decision id → time it ran
            Map<String, DecisionRecord> running = new HashMap<>();
            Set<String> recovered = new HashSet<>();
            int seen = 0;
            for (long elapsed = 0; elapsed <= Duration.ofHours(4).toMillis(); elapsed += STEP.toMillis()) {
                List<DecisionRecord> decisions = rules.decisions();
                for (; seen < decisions.size(); seen++) {
                    DecisionRecord decision = decisions.get(seen);
                    if (decision.outcome().equals("run")) {
                        started.put(decision.id(), session.now());
                        running.put(decision.id(), decision);
                    }
                }
                checkLimits(session, started, decisions, policy);
                // The executor: each attempt succeeds after 10 s; the resource then probes healthy.
                for (DecisionRecord decision : new ArrayList<>(running.values())) {
                    if (session.now() - started.get(decision.id()) >= 10_000) {
                        running.remove(decision.id());
                        rules.outcome(decision, true);
                        recovered.add(decision.resource());
                        session.insert(new Signal(decision.tenant(), decision.resource(), "probe.success", 1, session.now() + 1, null,
                                "prober", Map.of("service", group(index(decision.resource()))), System.nanoTime()));
                    }
                }
                rules.advance(STEP);
                // Over once nothing runs or waits any more (looked at every simulated five minutes): what is left of the
                // four hours would only advance the clock.
                if (elapsed % Duration.ofMinutes(5).toMillis() == 0 && running.isEmpty() && session.facts(
                        io.homeostat.service.engine.facts.Proposal.class).stream()
                        .noneMatch(p -> p.getState() == io.homeostat.service.engine.facts.ProposalState.DEFERRED)) {
                    break;
                }
            }

            // Every proposal that was ever deferred either ran later or its issue was escalated.
            Set<String> ranProposals = new HashSet<>();
            Set<String> escalatedIssues = new HashSet<>();
            for (DecisionRecord decision : rules.decisions()) {
                if (decision.outcome().equals("run")) {
                    ranProposals.add(decision.proposalId());
                }
            }
            for (EscalationRecord escalation : rules.escalations()) {
                escalatedIssues.add(escalation.issueId());
            }
            long deferred = 0;
            for (DecisionRecord decision : rules.decisions()) {
                if (decision.outcome().equals("deferred")) {
                    deferred++;
                    assertThat(ranProposals.contains(decision.proposalId()) || escalatedIssues.contains(decision.issueId()))
                            .as("deferred decision %s on %s was neither run nor escalated", decision.id(), decision.resource()).isTrue();
                }
            }
            assertThat(deferred).as("the storm was over the limits").isGreaterThan(500);
            // 100 an hour; work waiting longer than an hour (policy.deferral.maxWait) is given up and escalated.
            assertThat(started).as("the global limit allows 100 an hour").hasSizeBetween(150, 400);
            assertThat(recovered.size() + escalatedIssues.size()).as("every issue was fixed or handed to a human")
                    .isGreaterThanOrEqualTo(RESOURCES);
            assertThat(session.facts(io.homeostat.service.engine.facts.Proposal.class))
                    .as("nothing is left waiting").noneMatch(p -> p.getState() == io.homeostat.service.engine.facts.ProposalState.DEFERRED);
        }
    }

    private static void checkLimits(EngineSession session, Map<String, Long> started, List<DecisionRecord> decisions,
                                    PolicySettings policy) {
        List<ActiveRemediation> active = session.facts(ActiveRemediation.class);
        assertThat(active).as("concurrency at %d", session.now()).hasSizeLessThanOrEqualTo(policy.getMaxConcurrent());
        Map<String, Integer> perGroup = new HashMap<>();
        Set<String> resources = new HashSet<>();
        for (ActiveRemediation remediation : active) {
            assertThat(resources.add(remediation.resource())).as("one per resource").isTrue();
            perGroup.merge(group(index(remediation.resource())), 1, Integer::sum);
        }
        // Groups of 10 at 25%: 2 at once.
        perGroup.values().forEach(count -> assertThat(count).as("blast radius: %s", active).isLessThanOrEqualTo(2));
        long now = session.now();
        Map<String, Integer> tenantMinute = new HashMap<>();
        int hour = 0;
        for (DecisionRecord decision : decisions) {
            Long at = started.get(decision.id());
            if (at == null) {
                continue;
            }
            if (now - at < 3_600_000) {
                hour++;
            }
            if (now - at < 60_000) {
                tenantMinute.merge(decision.tenant(), 1, Integer::sum);
            }
        }
        assertThat(hour).as("global per hour").isLessThanOrEqualTo(policy.getMaxGlobalPerHour());
        tenantMinute.values().forEach(count -> assertThat(count).as("per tenant per minute")
                .isLessThanOrEqualTo(policy.getMaxPerTenantPerMinute()));
    }

    private static int index(String resource) {
        return Integer.parseInt(resource.substring("service:".length()));
    }

    private static String resource(int i) {
        return "service:" + i;
    }

    private static String tenant(int i) {
        return "t" + (i / 100);
    }

    private static String group(int i) {
        return "g" + (i / 10);
    }
}
