package io.homeostat.service.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.service.model.AutonomyRecord;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two replicas' engines write the same autonomy pair: one after an operator pinned it through its API,
 * the other from an older view (it has not heard of the pin yet) when it counts an outcome. The pin
 * and its mode are the newest change's and stay; the outcomes are the last written.
 */
class AutonomyStoreIntegrationTest {
    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aStaleEnginesWriteKeepsTheNewerPinAndTakesTheOutcomes(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, directory)) {
            database.migrate();
            Jdbi jdbi = Jdbi.create(database.url(), database.user(), "");
            Store store = new Store(jdbi, io.dropwizard.jackson.Jackson.newObjectMapper());
            Instant started = Instant.parse("2026-12-03T10:00:00Z");
            Instant pinned = started.plusSeconds(60);
            AutonomyRecord first = new AutonomyRecord("default", "service_down", "process.restart", "auto", false, "SS", 0, 2, 0,
                    "start (policy)", started);
            AutonomyRecord pin = new AutonomyRecord("default", "service_down", "process.restart", "observe", true, "SS", 0, 0, 0,
                    "operator ops", pinned);
            AutonomyRecord stale = new AutonomyRecord("default", "service_down", "process.restart", "auto", false, "SSF", 1, 2, 0,
                    "start (policy)", started);
            jdbi.useHandle(handle -> store.autonomy().upsert(handle, first));
            jdbi.useHandle(handle -> store.autonomy().upsert(handle, pin));
            jdbi.useHandle(handle -> store.autonomy().upsert(handle, stale));
            AutonomyRecord stored = store.autonomy().pairs("default").get(0);
            assertThat(stored.pinned()).as("the pin stays").isTrue();
            assertThat(stored.mode()).isEqualTo("observe");
            assertThat(stored.changedBy()).isEqualTo("operator ops");
            assertThat(stored.changedAt()).isEqualTo(pinned);
            assertThat(stored.outcomes()).as("the outcome the stale engine counted is kept").isEqualTo("SSF");

            AutonomyRecord unpinned = new AutonomyRecord("default", "service_down", "process.restart", "observe", false, "SSF", 0, 0, 0,
                    "operator ops", pinned.plusSeconds(60));
            jdbi.useHandle(handle -> store.autonomy().upsert(handle, unpinned));
            assertThat(store.autonomy().pairs("default").get(0).pinned()).as("a newer change is taken").isFalse();
        }
    }
}
