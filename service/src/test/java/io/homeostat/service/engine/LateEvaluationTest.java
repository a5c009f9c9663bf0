package io.homeostat.service.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.engine.facts.Issue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What is detected does not depend on when the engine got round to a signal. Found: with the
 * database stopped for two minutes, the engine stalled on its write and evaluated the backlog after
 * the rules' windows (measured against the session clock) had passed it: 199 of 551 issues lost.
 */
class LateEvaluationTest {
    private static final Duration STEP = Duration.ofSeconds(10);

    /** One minute of readings, every ten seconds: a failing service, a hot host, a cool host, a full disk. */
    private static List<List<Signal>> stream() {
        List<List<Signal>> steps = new ArrayList<>();
        for (int step = 0; step < 7; step++) {
            long at = RuleTestSession.START + step * STEP.toMillis();
            List<Signal> signals = new ArrayList<>(List.of(
                    Signal.of("service:web", "probe.success", 0, at),
                    Signal.of("host:hot", "cpu.utilization", 93, at),
                    Signal.of("host:cool", "cpu.utilization", 40, at),
                    Signal.of("service:ok", "probe.success", 1, at)));
            if (step == 3) {
                signals.add(Signal.of("disk:/var", "disk.used_percent", 97, at));
            }
            steps.add(signals);
        }
        return steps;
    }

    @Test
    void theSameStreamEvaluatedPromptlyOrAfterATwoMinuteStallOpensTheSameIssuesAndDecidesTheSame() {
        Set<String> promptIssues;
        Set<String> promptDecisions;
        try (RuleTestSession prompt = new RuleTestSession()) {
            for (List<Signal> step : stream()) {
                step.forEach(prompt.engine()::insert);
                prompt.fire().advance(STEP);
            }
            promptIssues = issues(prompt);
            promptDecisions = decisions(prompt.decisions());
        }
        assertThat(promptIssues).containsExactly("disk_full disk:/var evidence 1", "high_cpu host:hot evidence 7",
                "service_down service:web evidence 7");

        try (RuleTestSession late = new RuleTestSession()) {
            // The engine was stuck: the whole minute is evaluated two minutes after it ended, in one batch
            // (arrival order shuffled, as several reporters' retries would send it).
            late.advance(Duration.ofSeconds(70).plusMinutes(2));
            List<Signal> backlog = new ArrayList<>();
            stream().forEach(backlog::addAll);
            java.util.Collections.shuffle(backlog, new java.util.Random(7));
            late.engine().insertBatch(backlog);
            late.fire();
            assertThat(issues(late)).isEqualTo(promptIssues);
            assertThat(decisions(late.decisions())).isEqualTo(promptDecisions).isNotEmpty();
        }
    }

    @Test
    void readingsSpreadWiderThanTheWindowStayQuietHoweverLateTheyAreEvaluated() {
        try (RuleTestSession late = new RuleTestSession()) {
            late.advance(Duration.ofMinutes(5));
            for (int i = 0; i < 3; i++) {
                late.engine().insert(Signal.of("service:web", "probe.success", 0, RuleTestSession.START + i * 35_000L));
            }
            late.fire();
            assertThat(late.issues()).isEmpty();
        }
    }

    /** The session's issues with their evidence (the stored record is written when its state changes, not per reading). */
    private static Set<String> issues(RuleTestSession rules) {
        Set<String> out = new TreeSet<>();
        rules.engine().facts(Issue.class).forEach(issue -> out.add(issue.getType() + " " + issue.getResource() + " evidence "
                + issue.getEvidenceCount()));
        assertThat(rules.issues()).hasSameSizeAs(out);
        return out;
    }

    private static Set<String> decisions(List<DecisionRecord> decisions) {
        Set<String> out = new TreeSet<>();
        decisions.forEach(decision -> out.add(decision.issueType() + " " + decision.resource() + " " + decision.actionId() + " " + decision.outcome()));
        return out;
    }
}
