package io.homeostat.service.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dropwizard.util.Duration;
import io.homeostat.service.engine.EngineOutputs;
import io.homeostat.service.engine.SimulatedSession;
import io.homeostat.service.engine.RuleBase;
import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.RemediationOutcome;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.IssueRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs rule scenarios on the pseudo clock against a rule base and reports, for each, whether its
 * expectations held and, when not, what was expected against what happened.
 */
public final class ScenarioRunner {
    static final long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One scenario's result: passed, or the differences. */
    public record Result(String file, String name, List<String> differences) {
        public boolean passed() {
            return differences.isEmpty();
        }
    }

    private final RuleBase rules;
    private final PolicySettings policy;

    public ScenarioRunner(RuleBase rules, PolicySettings policy) {
        this.rules = rules;
        this.policy = policy;
    }

    /** Every *.yaml, *.yml and *.json file under {@code directory}, sorted by name. */
    public List<Result> runAll(Path directory) throws IOException {
        List<Result> results = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path file : walk.filter(Files::isRegularFile).filter(ScenarioRunner::isScenario).sorted().toList()) {
                results.add(run(directory.relativize(file).toString(), file));
            }
        }
        return results;
    }

    private static boolean isScenario(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
    }

    public Result run(String label, Path file) {
        Scenario scenario;
        try {
            scenario = (file.toString().endsWith(".json") ? JSON : YAML).readValue(file.toFile(), Scenario.class);
        } catch (IOException e) {
            return new Result(label, label, List.of("cannot be read: " + e.getMessage()));
        }
        try {
            return new Result(label, scenario.name() == null ? label : scenario.name(), run(scenario));
        } catch (RuntimeException e) {
            return new Result(label, scenario.name() == null ? label : scenario.name(), List.of("failed to run: " + e));
        }
    }

    List<String> run(Scenario scenario) {
        Map<String, IssueRecord> issues = new LinkedHashMap<>();
        List<DecisionRecord> decisions = new ArrayList<>();
        List<String> actionIds = scenario.actions() == null ? List.of("process.restart", "http.call") : scenario.actions();
        List<AvailableAction> actions = actionIds.stream()
                .map(id -> new AvailableAction(id, id.contains(".") ? id.substring(0, id.indexOf('.')) : id, "MEDIUM", 1, false, Set.of(), 0.7))
                .toList();
        try (SimulatedSession session = new SimulatedSession(rules, START, scenario.policy(policy), actions, outputs -> collect(outputs, issues, decisions))) {
            long elapsed = 0;
            for (Scenario.Step step : scenario.steps() == null ? List.<Scenario.Step>of() : scenario.steps()) {
                long at = millis(step.at());
                if (at < elapsed) {
                    throw new IllegalArgumentException("steps must be in time order: " + step.at() + " comes after " + elapsed + " ms");
                }
                session.advance(java.time.Duration.ofMillis(at - elapsed));
                elapsed = at;
                for (Scenario.SignalSpec signal : step.signals() == null ? List.<Scenario.SignalSpec>of() : step.signals()) {
                    session.insert(new Signal(signal.tenant() == null ? "default" : signal.tenant(), signal.resource(), signal.metric(),
                            signal.value(), session.now(), null, signal.source() == null ? "scenario" : signal.source(),
                            signal.labels() == null ? Map.of() : signal.labels(), System.nanoTime()));
                }
                session.fire();
                for (Scenario.OutcomeSpec outcome : step.outcomes() == null ? List.<Scenario.OutcomeSpec>of() : step.outcomes()) {
                    DecisionRecord run = newestRun(decisions, outcome);
                    session.insert(RemediationOutcome.finished(run.id(), run.issueId(), run.tenant(), run.resource(), run.actionId(),
                            outcome.succeeded(), outcome.succeeded() ? "succeeded (scenario)" : "failed (scenario)", session.now(), false));
                    session.fire();
                }
            }
            if (scenario.then() != null) {
                session.advance(java.time.Duration.ofMillis(millis(scenario.then())));
            }
        }
        return compare(scenario.expect(), List.copyOf(issues.values()), decisions);
    }

    private static void collect(EngineOutputs outputs, Map<String, IssueRecord> issues, List<DecisionRecord> decisions) {
        outputs.issues().forEach(issue -> issues.put(issue.id(), issue));
        decisions.addAll(outputs.decisions());
    }

    private static DecisionRecord newestRun(List<DecisionRecord> decisions, Scenario.OutcomeSpec outcome) {
        for (int i = decisions.size() - 1; i >= 0; i--) {
            DecisionRecord decision = decisions.get(i);
            if (decision.outcome().equals("run") && decision.resource().equals(outcome.resource())
                    && decision.actionId().equals(outcome.action())) {
                return decision;
            }
        }
        throw new IllegalArgumentException("outcome for " + outcome.action() + " on " + outcome.resource()
                + ": no run decision of that action on that resource yet");
    }

    private static long millis(String duration) {
        return duration == null ? 0 : Duration.parse(duration.trim()).toMilliseconds();
    }

    static List<String> compare(Scenario.Expect expect, List<IssueRecord> issues, List<DecisionRecord> decisions) {
        List<String> differences = new ArrayList<>();
        if (expect == null) {
            return differences;
        }
        List<Map<String, String>> actualIssues = issues.stream().map(ScenarioRunner::fields).toList();
        List<Map<String, String>> actualDecisions = decisions.stream().map(ScenarioRunner::fields).toList();
        for (Map<String, String> wanted : nonNull(expect.issues())) {
            if (actualIssues.stream().noneMatch(actual -> matches(wanted, actual))) {
                differences.add("expected issue " + wanted + "\n      got issues " + summarize(actualIssues, wanted.keySet()));
            }
        }
        for (Map<String, String> unwanted : nonNull(expect.noIssues())) {
            actualIssues.stream().filter(actual -> matches(unwanted, actual)).findFirst().ifPresent(actual ->
                    differences.add("expected no issue " + unwanted + "\n      got " + actual));
        }
        // Decisions: in the order listed, each after the one before it.
        int from = 0;
        for (Map<String, String> wanted : nonNull(expect.decisions())) {
            int found = -1;
            for (int i = from; i < actualDecisions.size(); i++) {
                if (matches(wanted, actualDecisions.get(i))) {
                    found = i;
                    break;
                }
            }
            if (found < 0) {
                differences.add("expected decision " + wanted + (from > 0 ? " (after the one before it)" : "")
                        + "\n      got decisions " + summarize(actualDecisions, wanted.keySet()));
            } else {
                from = found + 1;
            }
        }
        for (Map<String, String> unwanted : nonNull(expect.noDecisions())) {
            actualDecisions.stream().filter(actual -> matches(unwanted, actual)).findFirst().ifPresent(actual ->
                    differences.add("expected no decision " + unwanted + "\n      got " + actual));
        }
        for (Map<String, String> wanted : nonNull(expect.blocked())) {
            boolean held = decisions.stream().anyMatch(decision -> matches(without(wanted, "gate"), fields(decision))
                    && decision.explanation().stream().anyMatch(step -> wanted.get("gate").equals(step.gate())
                    && !"pass".equals(step.verdict())));
            if (!held) {
                differences.add("expected gate " + wanted.get("gate") + " to stop a decision " + without(wanted, "gate")
                        + "\n      got decisions " + summarize(actualDecisions, Set.of("resource", "action", "outcome", "reason")));
            }
        }
        return differences;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static Map<String, String> without(Map<String, String> map, String key) {
        Map<String, String> copy = new LinkedHashMap<>(map);
        copy.remove(key);
        return copy;
    }

    private static boolean matches(Map<String, String> wanted, Map<String, String> actual) {
        return wanted.entrySet().stream().allMatch(entry -> entry.getValue().equals(actual.get(entry.getKey())));
    }

    private static List<Map<String, String>> summarize(List<Map<String, String>> actual, Set<String> keys) {
        return actual.stream().map(fields -> {
            Map<String, String> shown = new LinkedHashMap<>();
            keys.forEach(key -> shown.put(key, fields.get(key)));
            return shown;
        }).toList();
    }

    private static Map<String, String> fields(IssueRecord issue) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("tenant", issue.tenant());
        fields.put("resource", issue.resource());
        fields.put("type", issue.type());
        fields.put("severity", issue.severity());
        fields.put("state", issue.state());
        fields.put("category", issue.category());
        fields.put("rootCause", issue.rootCause());
        return fields;
    }

    private static Map<String, String> fields(DecisionRecord decision) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("tenant", decision.tenant());
        fields.put("resource", decision.resource());
        fields.put("type", decision.issueType());
        fields.put("action", decision.actionId());
        fields.put("outcome", decision.outcome());
        fields.put("reason", decision.reason());
        return fields;
    }
}
