package io.homeostat.service.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.homeostat.service.config.PolicyFactory;
import io.homeostat.service.engine.EngineOutputs;
import io.homeostat.service.engine.EngineSession;
import io.homeostat.service.engine.RestoredState;
import io.homeostat.service.engine.RuleBase;
import io.homeostat.service.engine.RuleBaseCompiler;
import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.RemediationOutcome;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.model.RemediationRecord;
import io.homeostat.service.recording.SignalJournal;
import io.homeostat.service.recording.SignalRecorder;
import io.homeostat.service.recovery.StartupState;
import io.homeostat.service.store.Store;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A restart must not change what the rules decide. Every default scenario runs once straight
 * through and once for each restart point (every 30 s of its timeline, which is extended by five
 * minutes so that verification, quiet periods and resolution are crossed): at the restart the
 * session is closed, the recording flushed, and a new session starts from the store and the
 * recording exactly as the service does at start-up ({@link StartupState}). The decisions (type,
 * resource, action, outcome, reason, in order) and the final issues must be the same.
 *
 * <p>Restarts are placed only where no action is in flight: an attempt a restart interrupts is
 * verified instead of reported (docs/OPERATIONS.md, "After a restart"), which is a different and
 * intended path. Outcomes the scenario reports are written to the store as the executor would.
 */
class RestartEquivalenceIntegrationTest {
    private static final String REPLICA = "restart-equivalence";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long EXTRA_MILLIS = Duration.ofMinutes(5).toMillis();
    private static final long RESTART_EVERY_MILLIS = 30_000;

    @TempDir
    Path directory;

    /** What a run decided, in a form that does not depend on ids or wall-clock times. */
    record Run(List<String> decisions, Set<String> issues, List<Long> quietPoints) {
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void everyDefaultScenarioDecidesTheSameWhateverStepTheServiceRestartsAt(TestDatabase.Kind kind) throws Exception {
        RuleBase rules = new RuleBaseCompiler().compile(TestApp.shippedRules());
        PolicySettings policy = new PolicyFactory().build();
        List<Path> files;
        try (Stream<Path> list = Files.list(TestApp.shippedRules().resolve("scenarios"))) {
            files = list.filter(file -> file.toString().endsWith(".yaml") || file.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(8);
        int restarts = 0;
        int decided = 0;
        try (TestDatabase database = TestDatabase.create(kind, directory)) {
            database.migrate();
            Store store = new Store(Jdbi.create(database.url(), database.user(), ""), new ObjectMapper());
            for (Path file : files) {
                Scenario scenario = (file.toString().endsWith(".json") ? JSON : YAML).readValue(file.toFile(), Scenario.class);
                Run reference = new Harness(rules, policy, store, database, scenario, -1).run();
                decided += reference.decisions().size();
                // A scenario is restarted at up to 4 points spread over its timeline (the predictions' hour has 140):
                // each restart replays the whole timeline a second at a time, and the suite must stay under 30 minutes.
                // On PostgreSQL at 2: the restart logic is the same code on both; what PostgreSQL adds is its own
                // round trip of the stored state, which two points per scenario exercise.
                List<Long> points = reference.quietPoints();
                int most = kind == TestDatabase.Kind.H2 ? 4 : 2;
                int every = Math.max(1, (points.size() + most - 1) / most);
                for (int index = 0; index < points.size(); index += every) {
                    long at = points.get(index);
                    Run restarted = new Harness(rules, policy, store, database, scenario, at).run();
                    assertThat(restarted.decisions()).as(file.getFileName() + ": decisions with a restart at " + at / 1000 + " s")
                            .isEqualTo(reference.decisions());
                    assertThat(restarted.issues()).as(file.getFileName() + ": issues with a restart at " + at / 1000 + " s")
                            .isEqualTo(reference.issues());
                    restarts++;
                }
            }
        }
        assertThat(restarts).as("restart points tried").isGreaterThan(kind == TestDatabase.Kind.H2 ? 30 : 15);
        assertThat(decided).as("decisions made by the scenarios").isGreaterThanOrEqualTo(10);
    }


    /** One run of a scenario on the pseudo clock, restarting once at {@code restartAt} (ms on its timeline; -1: never). */
    private final class Harness {
        private final RuleBase rules;
        private final PolicySettings policy;
        private final Store store;
        private final TestDatabase database;
        private final Scenario scenario;
        private final long restartAt;
        private final Path recording;
        private final List<DecisionRecord> decisions = new ArrayList<>();
        private final Map<String, IssueRecord> issues = new LinkedHashMap<>();
        private final Map<String, RemediationRecord> inFlight = new LinkedHashMap<>();
        private final Map<String, io.homeostat.service.model.Lease> leases = new LinkedHashMap<>();
        private final List<Long> quietPoints = new ArrayList<>();
        private EngineSession session;
        private SignalRecorder recorder;
        private long elapsed;
        private boolean restarted;

        Harness(RuleBase rules, PolicySettings policy, Store store, TestDatabase database, Scenario scenario, long restartAt)
                throws Exception {
            this.rules = rules;
            this.policy = policy;
            this.store = store;
            this.database = database;
            this.scenario = scenario;
            this.restartAt = restartAt;
            this.recording = Files.createTempDirectory(directory, "recording");
        }

        Run run() throws Exception {
            empty();
            session = newSession(ScenarioRunner.START);
            startRecorder();
            try {
                List<Scenario.Step> steps = scenario.steps() == null ? List.of() : scenario.steps();
                for (Scenario.Step step : steps) {
                    advanceTo(millis(step.at()));
                    List<Signal> batch = new ArrayList<>();
                    for (Scenario.SignalSpec spec : step.signals() == null ? List.<Scenario.SignalSpec>of() : step.signals()) {
                        Signal signal = new Signal(spec.tenant() == null ? "default" : spec.tenant(), spec.resource(), spec.metric(),
                                spec.value(), session.now(), null, spec.source() == null ? "scenario" : spec.source(),
                                spec.labels() == null ? Map.of() : spec.labels(), 0);
                        session.insert(signal);
                        batch.add(signal);
                    }
                    collect(session.fire());
                    recorder.record(batch, session.now());
                    for (Scenario.OutcomeSpec outcome : step.outcomes() == null ? List.<Scenario.OutcomeSpec>of() : step.outcomes()) {
                        report(outcome);
                    }
                }
                advanceTo(elapsed + (scenario.then() == null ? 0 : millis(scenario.then())) + EXTRA_MILLIS);
            } finally {
                recorder.stop();
                session.close();
            }
            Set<String> finalIssues = new TreeSet<>();
            issues.values().forEach(issue -> finalIssues.add(issue.resource() + " " + issue.type() + " " + issue.severity() + " "
                    + issue.state()));
            List<String> decided = decisions.stream().map(decision -> decision.issueType() + " " + decision.resource() + " "
                    + decision.actionId() + " " + decision.outcome() + ": " + decision.reason()).toList();
            return new Run(decided, finalIssues, quietPoints);
        }

        private EngineSession newSession(long start) {
            EngineSession fresh = EngineSession.pseudoClock(rules, start);
            fresh.setPolicy(scenario.policy(policy));
            List<String> actionIds = scenario.actions() == null ? List.of("process.restart", "http.call") : scenario.actions();
            fresh.setAvailableActions(actionIds.stream()
                    .map(id -> new AvailableAction(id, id.substring(0, id.indexOf('.')), "MEDIUM", 1, false, Set.of(), 0.7))
                    .toList());
            return fresh;
        }

        private void startRecorder() throws Exception {
            recorder = new SignalRecorder(recording, Duration.ofDays(7), Long.MAX_VALUE / 4, new MetricRegistry());
            recorder.start();
        }

        /** In steps of a second, as the scenario runner and the live engine's tick do; restarting when it is time. */
        private void advanceTo(long target) throws Exception {
            while (elapsed < target) {
                if (!restarted && restartAt >= 0 && elapsed >= restartAt) {
                    restart();
                }
                if (inFlight.isEmpty() && elapsed % RESTART_EVERY_MILLIS == 0 && elapsed > 0) {
                    quietPoints.add(elapsed);
                }
                long step = Math.min(1_000, target - elapsed);
                session.advance(Duration.ofMillis(step));
                elapsed += step;
                collect(session.fire());
            }
        }

        /** What the service does on stop and start: flush the recording, drop the session, restore from the store. */
        private void restart() throws Exception {
            restarted = true;
            long now = session.now();
            recorder.stop();
            // As the engine does when it stops: the changed baselines go to the store.
            store.baselines().upsert(session.baselines().drainChanged());
            session.close();
            List<Signal> recent = SignalJournal.recent(recording, Instant.ofEpochMilli(now).minus(Signal.LIFETIME),
                    Instant.ofEpochMilli(now + 1));
            RestoredState restored = StartupState.load(store, scenario.policy(policy), now, recent, running -> {
                throw new AssertionError("no attempt is left running in this test: " + running);
            }, REPLICA);
            session = newSession(now);
            io.homeostat.service.engine.Baselines learned = new io.homeostat.service.engine.Baselines(
                    io.homeostat.service.engine.Baselines.Settings.DEFAULTS);
            learned.restore(restored.baselines());
            session.useBaselines(learned);
            // As the service does: the projections' points from the recording of the span they look back.
            io.homeostat.service.engine.Projections.Settings projected = io.homeostat.service.engine.Projections.Settings.DEFAULTS;
            io.homeostat.service.engine.Projections fitted = new io.homeostat.service.engine.Projections(projected);
            SignalJournal.ofMetrics(recording, Instant.ofEpochMilli(now).minus(projected.sampleEvery().multipliedBy(projected.points())),
                    Instant.ofEpochMilli(now + 1), java.util.Set.copyOf(projected.metrics())).forEach(fitted::observe);
            session.useProjections(fitted);
            session.restore(restored.facts());
            session.insertAll(restored.events());
            startRecorder();
        }

        private void report(Scenario.OutcomeSpec outcome) {
            RemediationRecord attempt = null;
            for (RemediationRecord candidate : inFlight.values()) {
                if (candidate.resource().equals(outcome.resource()) && candidate.actionId().equals(outcome.action())) {
                    attempt = candidate;
                }
            }
            if (attempt == null) {
                // Only a run that went differently gets here: make it part of what is compared.
                decisions.add(new DecisionRecord("-", "-", "-", "-", outcome.resource(), "(outcome arrived)", "-", outcome.action(),
                        Map.of(), "nothing-running", "the scenario reported an outcome with no attempt of it running", List.of(),
                        Instant.ofEpochMilli(session.now()), null));
                return;
            }
            inFlight.remove(attempt.decisionId());
            Instant at = Instant.ofEpochMilli(session.now());
            store.remediations().finish(attempt.id(), outcome.succeeded() ? RemediationRecord.SUCCEEDED : RemediationRecord.FAILED,
                    "scenario", Map.of(), at, 0L, 1, leases.get(attempt.id()));
            session.insert(RemediationOutcome.finished(attempt.decisionId(), attempt.issueId(), attempt.tenant(), attempt.resource(),
                    attempt.actionId(), outcome.succeeded(), outcome.succeeded() ? "succeeded (scenario)" : "failed (scenario)",
                    session.now(), false));
            collect(session.fire());
        }

        /** The service's output path: one transaction per batch, then the executor starts each run at once. */
        private void collect(EngineOutputs outputs) {
            Instant at = Instant.ofEpochMilli(session.now());
            List<RemediationRecord> pending = new ArrayList<>();
            for (DecisionRecord decision : outputs.decisions()) {
                if (decision.outcome().equals("run")) {
                    pending.add(RemediationRecord.pending(UUID.randomUUID().toString(), decision, at, REPLICA));
                }
            }
            if (!outputs.isEmpty()) {
                store.recordOutputs(outputs, pending);
            }
            for (RemediationRecord attempt : pending) {
                // As the executor does: the resource's lease first, every write of the attempt fenced by it.
                io.homeostat.service.model.Lease lease = store.leases().acquire(attempt.tenant(), attempt.resource(), REPLICA + "/run",
                        java.time.Duration.ofHours(48)).lease().orElseThrow();
                leases.put(attempt.id(), lease);
                assertThat(store.remediations().markRunning(attempt.id(), "scenario", at, lease,
                        io.homeostat.service.store.RemediationStore.Admission.ALWAYS).started()).isTrue();
                inFlight.put(attempt.decisionId(), attempt);
            }
            outputs.issues().forEach(issue -> issues.put(issue.id(), issue));
            decisions.addAll(outputs.decisions());
        }

        private void empty() throws Exception {
            try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
                for (String table : List.of("remediations", "decisions", "approvals", "escalations", "proposals", "issues", "breakers",
                        "action_statistics", "auto_remediation", "predictions", "baselines", "health_history", "autonomy",
                        "autonomy_changes")) {
                    statement.execute("DELETE FROM " + table);
                }
            }
        }
    }

    private static long millis(String duration) {
        return duration == null ? 0 : io.dropwizard.util.Duration.parse(duration.trim()).toMilliseconds();
    }
}
