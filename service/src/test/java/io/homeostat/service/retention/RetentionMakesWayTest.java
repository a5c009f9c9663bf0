package io.homeostat.service.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.jackson.Jackson;
import io.homeostat.service.store.Store;
import io.homeostat.service.telemetry.Telemetry;
import io.homeostat.service.testing.TestDatabase;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention makes way for a busy engine or outbox: while the foreground reports a long evaluation it
 * neither reads nor deletes, and it goes on once the foreground is idle; a foreground that never becomes
 * idle (an overloaded engine) holds each step back at most the longest wait, so retention still finishes.
 * On the H2 file database, the embedded default, where retention's work shares the service's JVM.
 */
class RetentionMakesWayTest {
    private static final int POINTS = 30;

    @TempDir
    Path directory;

    @Test
    void waitsWhileTheEngineIsBusyAndDeletesOnceItIsIdle() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory)) {
            database.migrate();
            seedOldHealthPoints(database);
            long busyUntil = System.nanoTime() + Duration.ofMillis(800).toNanos();
            List<Long> countsWhileBusy = new ArrayList<>();
            Foreground engine = () -> {
                if (System.nanoTime() < busyUntil) {
                    countsWhileBusy.add(count(database));
                    return Duration.ofSeconds(2);
                }
                return Duration.ZERO;
            };
            RetentionJob.Report report = job(database, engine, Duration.ofSeconds(30)).run();

            assertThat(report.failed()).as(String.valueOf(report.failure())).isFalse();
            assertThat(countsWhileBusy).as("nothing is deleted while the engine is busy").isNotEmpty().allMatch(count -> count == POINTS + 1);
            assertThat(report.yielded()).as("the run waited for the engine").isGreaterThanOrEqualTo(Duration.ofMillis(700));
            assertThat(report.archived().get("health_history")).isEqualTo(POINTS);
            assertThat(count(database)).as("every old point went, batch after batch; the recent one stays").isEqualTo(1);
        }
    }

    @Test
    void anEngineThatIsNeverIdleHoldsEachStepBackOnlySoLong() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory)) {
            database.migrate();
            seedOldHealthPoints(database);
            RetentionJob.Report report = job(database, () -> Duration.ofMinutes(1), Duration.ofMillis(100)).run();

            assertThat(report.failed()).as(String.valueOf(report.failure())).isFalse();
            assertThat(report.archived().get("health_history")).isEqualTo(POINTS);
            assertThat(count(database)).as("every old point went, batch after batch; the recent one stays").isEqualTo(1);
            assertThat(report.yielded()).as("each step waited its most, no longer").isGreaterThanOrEqualTo(Duration.ofMillis(100))
                    .isLessThan(Duration.ofSeconds(10));
        }
    }

    private RetentionJob job(TestDatabase database, Foreground foreground, Duration mostYield) {
        Store store = new Store(Jdbi.create(database.url(), database.user(), ""), Jackson.newObjectMapper());
        Duration age = Duration.ofDays(1);
        RetentionJob.Settings settings = new RetentionJob.Settings(new RetentionJob.Ages(age, age, age, age, age), Duration.ofHours(1),
                Duration.ofDays(1), 10, Duration.ZERO);
        return new RetentionJob(store, new Archive(directory.resolve("archive"), Jackson.newObjectMapper(), Clock.systemUTC()), foreground,
                mostYield, settings, new Telemetry(new PrometheusRegistry()), Clock.systemUTC(), () -> true);
    }

    private static void seedOldHealthPoints(TestDatabase database) throws Exception {
        try (Connection connection = database.connect();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO health_history (tenant, category, at, score) VALUES (?, ?, ?, ?)")) {
            Instant old = Instant.now().minus(Duration.ofDays(3));
            for (int i = 0; i < POINTS; i++) {
                insert.setString(1, "default");
                insert.setString(2, "overall");
                insert.setTimestamp(3, Timestamp.from(old.plusSeconds(i)));
                insert.setDouble(4, 90);
                insert.executeUpdate();
            }
            // One point within its age: it stays.
            insert.setTimestamp(3, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
    }

    private static long count(TestDatabase database) {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM health_history")) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
