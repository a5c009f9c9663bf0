package io.homeostat.service.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.service.engine.EngineOutputs;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each replica numbers its own outbox. Found with two replicas on one database: the number of the
 * last entry applied was one row for all, so the second replica's first entries (numbered from 1
 * again) read as applied already and were dropped, with their issues and decisions.
 */
class OutboxPerReplicaIntegrationTest {
    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void oneReplicasEntriesDoNotCountAsAnothersAndTheNumberOfBeforeIsClaimedOnce(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, directory)) {
            database.migrate();
            Jdbi jdbi = Jdbi.create(database.url(), database.user(), "");
            Store store = new Store(jdbi, io.dropwizard.jackson.Jackson.newObjectMapper());
            // A single process before replicas were named had applied its entries up to 7.
            jdbi.useHandle(handle -> handle.execute("UPDATE outbox_applied SET seq = 7 WHERE id = 1"));

            assertThat(store.outboxApplied("a")).as("the first replica to ask is that process").isEqualTo(7);
            assertThat(store.outboxApplied("b")).isZero();
            assertThat(store.recordOutputs("a", 7, EngineOutputs.EMPTY, List.of())).as("a's 7 was applied").isEmpty();
            assertThat(store.recordOutputs("a", 8, EngineOutputs.EMPTY, List.of())).isPresent();
            assertThat(store.recordOutputs("b", 1, EngineOutputs.EMPTY, List.of())).as("b's first entry is b's own").isPresent();
            assertThat(store.recordOutputs("b", 1, EngineOutputs.EMPTY, List.of())).as("and applied once").isEmpty();
            assertThat(store.recordOutputs("c", 1, EngineOutputs.EMPTY, List.of())).isPresent();
            assertThat(store.outboxApplied("a")).isEqualTo(8);
            assertThat(store.outboxApplied("b")).isEqualTo(1);
        }
    }
}
