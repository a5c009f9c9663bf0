package io.homeostat.service.outbox;

import io.homeostat.service.testing.TestPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.jackson.Jackson;
import io.homeostat.service.engine.EngineOutputs;
import io.homeostat.service.engine.EngineSession;
import io.homeostat.service.engine.RuleBase;
import io.homeostat.service.engine.RuleBaseCompiler;
import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.store.Store;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox against the real store (H2): the engine's outputs are real ones (the shipped rules on
 * three failing probes), the database's absence is a sink that throws as a refused connection does.
 */
class OutboxTest {
    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static RuleBase rules;

    @TempDir
    Path directory;

    private final ObjectMapper json = Jackson.newObjectMapper();
    private TestDatabase database;
    private Store store;

    /** The store end as the service has it, minus dispatching; {@code down} stands for a database that refuses connections. */
    private final class StoreSink implements Outbox.Sink {
        volatile boolean down;
        final List<Long> applied = new CopyOnWriteArrayList<>();

        @Override
        public long applied() {
            return store.outboxApplied("test");
        }

        @Override
        public void apply(long seq, EngineOutputs outputs, boolean dispatch) {
            if (down) {
                throw new IllegalStateException("Connection to 127.0.0.1:5432 refused");
            }
            store.recordOutputs("test", seq, outputs, List.of()).ifPresent(fresh -> applied.add(seq));
        }
    }

    @BeforeEach
    void database() throws Exception {
        database = TestDatabase.create(TestDatabase.Kind.H2, directory);
        database.migrate();
        store = new Store(Jdbi.create(database.url(), database.user(), ""), json);
    }

    @AfterEach
    void close() throws Exception {
        database.close();
    }

    /** What the engine produces when {@code resource} fails three probes in a row: an issue, its decision, proposals. */
    private static EngineOutputs failing(String resource) throws Exception {
        synchronized (OutboxTest.class) {
            if (rules == null) {
                rules = new RuleBaseCompiler().compile(Path.of(System.getProperty("homeostat.rules.dir", "../rules")));
            }
        }
        try (EngineSession session = EngineSession.pseudoClock(rules, T0)) {
            session.setPolicy(TestPolicy.trusted());
            session.setAvailableActions(List.of(new AvailableAction("process.restart", "process", "MEDIUM", 1, false, Set.of(), 0.7)));
            for (int i = 0; i < 3; i++) {
                session.insert(Signal.of(resource, "probe.success", 0, session.now()));
                session.advance(Duration.ofSeconds(10));
            }
            EngineOutputs outputs = session.fire();
            assertThat(outputs.issues()).hasSize(1);
            assertThat(outputs.decisions()).isNotEmpty();
            return outputs;
        }
    }

    private Outbox outbox(StoreSink sink, long maxBytes, MetricRegistry metrics) {
        return new Outbox(directory.resolve("outbox"), maxBytes, Duration.ofSeconds(2), json, sink, metrics);
    }

    private List<String> storedResources() {
        return store.issues().active().stream().map(IssueRecord::resource).sorted().toList();
    }

    @Test
    void theEngineIsNotHeldWhileTheStoreIsDownAndEverythingIsAppliedInOrderWhenItReturns() throws Exception {
        StoreSink sink = new StoreSink();
        Outbox outbox = outbox(sink, 32L << 20, new MetricRegistry());
        outbox.start();
        sink.down = true;
        long started = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            outbox.handle(failing("service:s" + (100 + i)));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the engine did not wait for the database").isLessThan(Duration.ofSeconds(5));
        assertThat(outbox.depth()).isEqualTo(20);
        assertThat(storedResources()).isEmpty();
        Thread.sleep(300);
        assertThat(outbox.oldestAge()).isGreaterThan(Duration.ofMillis(300));

        sink.down = false;
        await().atMost(Duration.ofSeconds(20)).until(() -> outbox.depth() == 0);
        assertThat(sink.applied).containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
        assertThat(storedResources()).hasSize(20).first().isEqualTo("service:s100");
        assertThat(store.outboxApplied("test")).isEqualTo(20);
        assertThat(store.audit().verify().valid()).isTrue();
        outbox.stop();
    }

    @Test
    void pastItsBoundTheEngineWaitsAndNothingIsDropped() throws Exception {
        StoreSink sink = new StoreSink();
        EngineOutputs one = failing("service:a");
        long entry = new OutboxJournal(directory.resolve("probe"), json).encode(1, one).length;
        MetricRegistry metrics = new MetricRegistry();
        Outbox outbox = outbox(sink, 2 * entry + entry / 2, metrics);
        outbox.start();
        sink.down = true;
        outbox.handle(one);
        outbox.handle(failing("service:b"));
        CompletableFuture<Void> third = CompletableFuture.runAsync(() -> {
            try {
                outbox.handle(failing("service:c"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1_000);
        assertThat(third).as("the engine waits while the outbox is full").isNotDone();
        assertThat(metrics.counter("homeostat.outbox.full_waits").getCount()).isEqualTo(1);

        sink.down = false;
        third.get(20, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(20)).until(() -> outbox.depth() == 0);
        assertThat(storedResources()).containsExactly("service:a", "service:b", "service:c");
        assertThat(sink.applied).containsExactly(1L, 2L, 3L);
        outbox.stop();
    }

    @Test
    void whatACrashLeftIsAppliedAtTheNextStartOnceAndInOrder() throws Exception {
        StoreSink first = new StoreSink();
        Outbox crashed = outbox(first, 32L << 20, new MetricRegistry());
        crashed.start();
        first.down = true;
        List<EngineOutputs> outputs = Stream.of("service:a", "service:b", "service:c", "service:d", "service:e").map(resource -> {
            try {
                return failing(resource);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        for (EngineOutputs each : outputs) {
            crashed.handle(each);
        }
        // The first two reached the database, but the crash came before the outbox knew.
        store.recordOutputs("test", 1, outputs.get(0), List.of());
        store.recordOutputs("test", 2, outputs.get(1), List.of());
        // A torn last line, as a crash in the middle of a write would leave on a filesystem that does not keep it whole.
        try (Stream<Path> files = Files.list(directory.resolve("outbox"))) {
            Path segment = files.filter(path -> path.toString().endsWith(".outbox")).findFirst().orElseThrow();
            Files.writeString(segment, "{\"seq\":6,\"outputs\":{\"issues\":[{\"id\":\"x", StandardOpenOption.APPEND);
        }

        StoreSink second = new StoreSink();
        Outbox restarted = outbox(second, 32L << 20, new MetricRegistry());
        restarted.recover();
        assertThat(second.applied).as("applied once, in order; the torn line skipped").containsExactly(3L, 4L, 5L);
        assertThat(storedResources()).containsExactly("service:a", "service:b", "service:c", "service:d", "service:e");
        restarted.start();
        restarted.handle(failing("service:f"));
        await().atMost(Duration.ofSeconds(10)).until(() -> restarted.depth() == 0);
        assertThat(second.applied).as("numbering goes on after the highest number on disk").containsExactly(3L, 4L, 5L, 6L);
        assertThat(store.audit().verify().valid()).isTrue();
        restarted.stop();
        crashed.stop();
    }

    @Test
    void aJournalThatCannotBeWrittenIsCountedAndShownAndTheEntryStillApplied() throws Exception {
        StoreSink sink = new StoreSink();
        MetricRegistry metrics = new MetricRegistry();
        Outbox outbox = outbox(sink, 32L << 20, metrics);
        outbox.start();
        // The first segment the outbox opens is /dev/full: every write fails with "No space left on device".
        Path segment = directory.resolve("outbox").resolve(String.format("%020d", 1) + ".outbox");
        Files.createSymbolicLink(segment, Path.of("/dev/full"));
        outbox.handle(failing("service:a"));
        assertThat(metrics.counter("homeostat.outbox.unjournaled").getCount()).isEqualTo(1);
        assertThat(outbox.journalProblem()).contains("No space left on device");
        await().atMost(Duration.ofSeconds(10)).until(() -> outbox.depth() == 0);
        assertThat(storedResources()).containsExactly("service:a");
        Files.delete(segment);
        outbox.stop();
    }

    @Test
    void segmentsTheStoreHasAppliedAreDeleted() throws Exception {
        OutboxJournal journal = new OutboxJournal(directory.resolve("segments"), json, 1);
        EngineOutputs outputs = failing("service:a");
        for (long seq = 1; seq <= 4; seq++) {
            journal.append(seq, journal.encode(seq, outputs));
        }
        assertThat(segments()).hasSize(4);
        assertThat(journal.release(2)).isEqualTo(2);
        assertThat(journal.release(4)).as("never the segment written to").isEqualTo(1);
        assertThat(segments()).hasSize(1);
        assertThat(journal.recover(3).entries()).extracting(OutboxJournal.Entry::seq).containsExactly(4L);
        journal.close();
    }

    private List<Path> segments() throws Exception {
        try (Stream<Path> files = Files.list(directory.resolve("segments"))) {
            return files.toList();
        }
    }
}
