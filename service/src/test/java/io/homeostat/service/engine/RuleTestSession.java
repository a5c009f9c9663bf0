package io.homeostat.service.engine;

import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.IssueRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drives the shipped rules on a pseudo clock through the production {@link EngineSession} and
 * keeps every output, so that tests read what the service would persist.
 */
final class RuleTestSession implements AutoCloseable {
    static final long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static RuleBase shippedRules;

    private final EngineSession session;
    private final Map<String, IssueRecord> issues = new LinkedHashMap<>();
    private final List<DecisionRecord> decisions = new ArrayList<>();

    RuleTestSession(int maxPerResourcePerHour, Duration quietPeriod) {
        session = EngineSession.pseudoClock(shippedRules(), START);
        session.setPolicy(new PolicySettings(maxPerResourcePerHour, quietPeriod.toMillis()));
        session.setAvailableActions(List.of(
                new AvailableAction("process.restart", "process", "MEDIUM", 1, false, Set.of(), 0.7),
                new AvailableAction("http.call", "http", "MEDIUM", 1, false, Set.of(), 0.6)));
    }

    RuleTestSession() {
        this(10, Duration.ofMinutes(2));
    }

    static synchronized RuleBase shippedRules() {
        if (shippedRules == null) {
            try {
                shippedRules = new RuleBaseCompiler().compile(Path.of(System.getProperty("homeostat.rules.dir", "../rules")));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return shippedRules;
    }

    EngineSession engine() {
        return session;
    }

    /** Sends one signal stamped with the current session time and fires. */
    RuleTestSession signal(String resource, String metric, double value) {
        session.insert(Signal.of(resource, metric, value, session.now()));
        return fire();
    }

    RuleTestSession advance(Duration duration) {
        session.advance(duration);
        return fire();
    }

    RuleTestSession insert(Object fact) {
        session.insert(fact);
        return fire();
    }

    RuleTestSession fire() {
        EngineOutputs outputs = session.fire();
        outputs.issues().forEach(issue -> issues.put(issue.id(), issue));
        decisions.addAll(outputs.decisions());
        return this;
    }

    List<IssueRecord> issues() {
        return List.copyOf(issues.values());
    }

    List<IssueRecord> issues(String type) {
        return issues.values().stream().filter(issue -> issue.type().equals(type)).toList();
    }

    List<DecisionRecord> decisions() {
        return List.copyOf(decisions);
    }

    @Override
    public void close() {
        session.close();
    }
}
