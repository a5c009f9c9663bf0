package io.homeostat.service.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.service.engine.facts.Dependency;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.IssueRecord;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Root cause by dependency (root-cause.drl): chains, cycles, configured dependencies and the window. */
class RootCauseTest {
    private static void down(RuleTestSession rules, String resource) {
        for (int i = 0; i < 3; i++) {
            rules.signal("default", resource, "probe.success", 0, "test", Map.of());
        }
    }

    private static IssueRecord issueOf(RuleTestSession rules, String resource) {
        return rules.issues().stream().filter(issue -> issue.resource().equals(resource)).reduce((a, b) -> b).orElseThrow();
    }

    private static long runs(RuleTestSession rules, String resource) {
        return rules.decisions().stream().filter(d -> d.resource().equals(resource) && d.outcome().equals("run")).count();
    }

    @Test
    void aChainWaitsOnItsLastLinkAndOnlyThatIsRemediated() {
        try (RuleTestSession rules = new RuleTestSession()) {
            rules.insert(new Dependency("default", "service:web", "service:api", "config"));
            rules.insert(new Dependency("default", "service:api", "db:main", "config"));
            down(rules, "service:web");
            down(rules, "service:api");
            down(rules, "db:main");
            rules.advance(Duration.ofSeconds(60));
            IssueRecord db = issueOf(rules, "db:main");
            assertThat(issueOf(rules, "service:web").rootCause()).isEqualTo(db.id());
            assertThat(issueOf(rules, "service:web").rootCauseChain()).isEqualTo("service:web → service:api → db:main");
            assertThat(issueOf(rules, "service:api").rootCauseChain()).isEqualTo("service:api → db:main");
            assertThat(db.rootCause()).isNull();
            assertThat(runs(rules, "db:main")).isEqualTo(1);
            assertThat(runs(rules, "service:web") + runs(rules, "service:api")).isZero();
            DecisionRecord held = rules.decisions().stream().filter(d -> d.resource().equals("service:web")).reduce((a, b) -> b).orElseThrow();
            assertThat(held.reason()).contains("root-cause").contains("service:web → service:api → db:main");
        }
    }

    @Test
    void dependenciesInACycleDoNotAllWait() {
        try (RuleTestSession rules = new RuleTestSession()) {
            rules.insert(new Dependency("default", "service:a", "service:b", "config"));
            rules.insert(new Dependency("default", "service:b", "service:a", "config"));
            down(rules, "service:a");
            down(rules, "service:b");
            rules.advance(Duration.ofSeconds(31)).fire();
            assertThat(runs(rules, "service:a") + runs(rules, "service:b")).as("one of the two is remediated").isEqualTo(1);
        }
    }

    @Test
    void aDependentThatFailedLongBeforeItsDependencyHasAProblemOfItsOwn() {
        try (RuleTestSession rules = new RuleTestSession()) {
            rules.insert(new Dependency("default", "service:web", "db:main", "config"));
            down(rules, "service:web");
            rules.advance(Duration.ofMinutes(6)).fire();
            down(rules, "service:web");
            down(rules, "db:main");
            assertThat(issueOf(rules, "service:web").rootCause()).isNull();
            assertThat(runs(rules, "service:web")).isEqualTo(1);
        }
    }

    @Test
    void aDependencyOnlyTheLabelNamesCountsAsWell() {
        try (RuleTestSession rules = new RuleTestSession()) {
            for (int i = 0; i < 3; i++) {
                rules.signal("default", "service:web", "probe.success", 0, "test", Map.of("depends_on", "db:main, cache:main"));
                rules.signal("default", "cache:main", "probe.success", 0, "test", Map.of());
            }
            assertThat(issueOf(rules, "service:web").rootCauseChain()).isEqualTo("service:web → cache:main");
        }
    }
}
