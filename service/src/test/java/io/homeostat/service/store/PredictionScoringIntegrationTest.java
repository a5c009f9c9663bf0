package io.homeostat.service.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.service.engine.EngineOutputs;
import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.model.PredictionRecord;
import io.homeostat.service.model.ProposalRecord;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every prediction is stored, and scored once its horizon has passed: came true (its issue type
 * opened on the resource in time), prevented (the preventive issue it opened was fixed by an
 * action), or did not; the accuracy per kind leaves the prevented ones out. H2 and PostgreSQL.
 */
class PredictionScoringIntegrationTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @TempDir
    Path directory;

    private static PredictionRecord prediction(String id, String resource, String kind, String issueType) {
        return new PredictionRecord(id, "default", resource, kind, "disk.used_percent", 95, "1-6h", 4, 0.9, issueType, T0,
                T0.plus(Duration.ofHours(6)), null, null);
    }

    private static IssueRecord issue(String id, String resource, String type, Instant opened) {
        return new IssueRecord(id, "default", "f-" + id, resource, type, "high", "storage", "open", "s", "rule", 1, opened, opened, null,
                opened, List.of(), null, null, null);
    }

    private static EngineOutputs outputs(List<IssueRecord> issues, List<ProposalRecord> proposals, List<PredictionRecord> predictions) {
        return new EngineOutputs(issues, issues.size(), List.of(), proposals, List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), predictions, List.of(), List.of(), 0, List.of());
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void eachPredictionIsScoredOnceItsHorizonHasPassed(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, directory)) {
            database.migrate();
            Store store = new Store(Jdbi.create(database.url(), database.user(), ""), io.dropwizard.jackson.Jackson.newObjectMapper());
            store.recordOutputs(outputs(List.of(), List.of(), List.of(
                    prediction("p1", "disk:a", "disk_exhaustion", "disk_full"),
                    prediction("p2", "disk:b", "disk_exhaustion", "disk_full"),
                    prediction("p3", "disk:c", "disk_exhaustion", "disk_full"),
                    prediction("p4", "disk:d", "disk_exhaustion", "disk_full"))), List.of());
            // disk:a fills up in time; disk:b's preventive issue is fixed; disk:c stays fine; disk:d fills up after the horizon.
            store.recordOutputs(outputs(List.of(issue("i1", "disk:a", "disk_full", T0.plus(Duration.ofHours(3))),
                    issue("i2", "disk:b", "disk_exhaustion", T0.plus(Duration.ofMinutes(1))),
                    issue("i3", "disk:d", "disk_full", T0.plus(Duration.ofHours(7)))),
                    List.of(new ProposalRecord("pr2", "i2", "disk.cleanup", Map.of(), 1, "rule", "succeeded", false, null, null, null, null, null,
                            T0)), List.of()), List.of());

            assertThat(store.predictions().pending(T0.plus(Duration.ofHours(1)))).as("before the horizon: still pending").hasSize(4);
            assertThat(store.predictions().scoreDue(T0.plus(Duration.ofHours(5)))).as("nothing due yet").isZero();
            assertThat(store.predictions().scoreDue(T0.plus(Duration.ofHours(6)))).isEqualTo(4);
            assertThat(store.predictions().scoreDue(T0.plus(Duration.ofHours(7)))).as("scored once").isZero();

            assertThat(store.predictions().accuracy(null)).singleElement().satisfies(accuracy -> {
                assertThat(accuracy.kind()).isEqualTo("disk_exhaustion");
                assertThat(accuracy.scored()).isEqualTo(4);
                assertThat(accuracy.cameTrue()).isEqualTo(1);
                assertThat(accuracy.prevented()).isEqualTo(1);
                assertThat(accuracy.didNot()).isEqualTo(2);
                assertThat(accuracy.getAccuracy()).isEqualTo(1 / 3.0);
            });
            assertThat(store.predictions().accuracy("other")).isEmpty();
        }
    }
}
