package io.homeostat.service.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import io.homeostat.service.model.BaselineRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** A database that is away costs a checkpoint, counted and logged; the engine's hand-over never throws or blocks. */
class BaselineCheckpointsTest {
    @Test
    void aCheckpointTheDatabaseRefusesIsCountedAndTheWriterIsReadyForTheNext() throws Exception {
        // Nothing listens on port 1: every connection is refused at once.
        Jdbi away = Jdbi.create("jdbc:postgresql://127.0.0.1:1/test?connectTimeout=1", "postgres", "");
        MetricRegistry metrics = new MetricRegistry();
        BaselineCheckpoints checkpoints = new BaselineCheckpoints(new BaselineStore(away), metrics);
        long started = System.nanoTime();
        checkpoints.write(List.of(new BaselineRecord("default", "service:web", "probe.latency_ms", 20, 4, 40, Instant.now())));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the engine thread does not wait").isLessThan(Duration.ofMillis(200));
        await().atMost(Duration.ofSeconds(20)).until(checkpoints::ready);
        assertThat(metrics.counter("homeostat.baselines.checkpoint_failures").getCount()).isEqualTo(1);
        assertThat(metrics.counter("homeostat.baselines.written").getCount()).isZero();
        checkpoints.stop();
    }
}
