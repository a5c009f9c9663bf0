package io.homeostat.service.engine;

import io.homeostat.service.testing.TestPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.inbox.Inbox;
import io.homeostat.service.inbox.SignalQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The engine thread on the shipped rules, with a real handler in place of the store. */
class EngineTest {
    private static List<Signal> failingProbes(int resources) {
        List<Signal> signals = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < resources; i++) {
            for (int probe = 0; probe < 3; probe++) {
                signals.add(new Signal("default", "service:s" + i, "probe.success", 0, now, null, null, java.util.Map.of(), System.nanoTime()));
            }
        }
        return signals;
    }

    @Test
    void stoppingEvaluatesEverySignalAlreadyAccepted() throws Exception {
        SignalQueue queue = new SignalQueue(100_000);
        List<EngineOutputs> outputs = new CopyOnWriteArrayList<>();
        MetricRegistry metrics = new MetricRegistry();
        Engine engine = engine(RuleTestSession.shippedRules(), queue, outputs::add, metrics);
        engine.start();
        List<Signal> signals = failingProbes(2_000);
        assertThat(queue.offerAll(signals)).isTrue();
        engine.stop();

        assertThat(metrics.meter("homeostat.signals.evaluated").getCount()).isEqualTo(6_000);
        assertThat(outputs.stream().mapToInt(EngineOutputs::issuesOpened).sum()).isEqualTo(2_000);
        assertThat(queue.offerAll(signals.subList(0, 1))).as("closed for intake after stop").isFalse();
    }

    @Test
    void outputsThatFailToPersistAreRetriedNotLost() throws Exception {
        SignalQueue queue = new SignalQueue(1_000);
        AtomicInteger attempts = new AtomicInteger();
        List<EngineOutputs> persisted = new CopyOnWriteArrayList<>();
        EngineOutputHandler flaky = batch -> {
            if (attempts.incrementAndGet() <= 2) {
                throw new IllegalStateException("database down");
            }
            persisted.add(batch);
        };
        MetricRegistry metrics = new MetricRegistry();
        Engine engine = engine(RuleTestSession.shippedRules(), queue, flaky, metrics);
        engine.start();
        queue.offerAll(failingProbes(1));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !persisted.isEmpty());
        engine.stop();
        assertThat(persisted.get(0).issuesOpened()).isEqualTo(1);
        // Both strategies are decided in the batch; neither action is loaded.
        assertThat(persisted.get(0).decisions()).extracting(decision -> decision.reason()).containsExactly(
                "action-available: no loaded plugin provides process.restart", "action-available: no loaded plugin provides http.call");
        assertThat(metrics.counter("homeostat.engine.output_retries").getCount()).isEqualTo(2);
    }

    @Test
    void aRuleThatThrowsDoesNotStopTheEngine() throws Exception {
        RuleBase fragile = new RuleBaseCompiler().compile(List.of(new RuleBaseCompiler.RuleSource("fragile.drl", """
                package test;
                import io.homeostat.service.engine.facts.*;
                // label("team") is null for signals without that label: the constraint throws on insert.
                rule "fragile constraint"
                when
                    Signal( label( "team" ).length() > 0 )
                then
                end
                rule "fragile consequence"
                when
                    Signal( metric == "explode" )
                then
                    throw new IllegalStateException("consequence failed");
                end
                rule "still working"
                when
                    $s : Signal( metric == "ok" )
                then
                    insert( new Issue( $s.getTenant(), $s.getResource(), "works", Severity.INFO, "application", $s.getTime(),
                                       drools.getRule().getName(), "rules still fire" ) );
                end
                """)));
        SignalQueue queue = new SignalQueue(1_000);
        MetricRegistry metrics = new MetricRegistry();
        List<EngineOutputs> outputs = new CopyOnWriteArrayList<>();
        Engine engine = engine(fragile, queue, outputs::add, metrics);
        engine.start();
        try {
            long now = System.currentTimeMillis();
            queue.offerAll(List.of(signal("host:a", "cpu", now),
                    new Signal("default", "host:a", "explode", 1, now, null, null, java.util.Map.of("team", "x"), System.nanoTime())));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> metrics.meter("homeostat.signals.evaluated").getCount() == 2);
            queue.offerAll(List.of(new Signal("default", "host:b", "ok", 1, now, null, null, java.util.Map.of("team", "y"), System.nanoTime())));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> outputs.stream().mapToInt(EngineOutputs::issuesOpened).sum() == 1);
            assertThat(engine.status().threadAlive()).isTrue();
            assertThat(engine.status().ruleErrors()).isGreaterThanOrEqualTo(1);
        } finally {
            engine.stop();
        }
    }

    @Test
    void aRuleThatRecursesTooDeepIsARuleErrorButAnErrorThatKillsTheThreadIsHandedToWhenDead() throws Exception {
        RuleBase rules = new RuleBaseCompiler().compile(List.of(new RuleBaseCompiler.RuleSource("deadly.drl", """
                package test;
                import io.homeostat.service.engine.facts.*;
                function int deeper( int n ) { return deeper( n + 1 ) + 1; }
                rule "recurses"
                when
                    Signal( metric == "recurse" )
                then
                    deeper( 0 );
                end
                rule "dies"
                when
                    Signal( metric == "die" )
                then
                    throw new LinkageError( "simulated: a class could not be linked" );
                end
                """)));
        SignalQueue queue = new SignalQueue(1_000);
        MetricRegistry metrics = new MetricRegistry();
        java.util.concurrent.CompletableFuture<Throwable> died = new java.util.concurrent.CompletableFuture<>();
        Engine engine = engine(rules, queue, outputs -> { }, metrics, (thread, error) -> died.complete(error), Duration.ofSeconds(10));
        engine.start();
        try {
            long now = System.currentTimeMillis();
            queue.offerAll(List.of(signal("host:a", "recurse", now)));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> engine.status().ruleErrors() == 1);
            assertThat(engine.status().threadAlive()).as("a StackOverflowError is one failed batch").isTrue();

            queue.offerAll(List.of(signal("host:a", "die", now)));
            assertThat(died.get(10, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(LinkageError.class);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !engine.status().threadAlive());
        } finally {
            engine.stop();
        }
    }

    @Test
    void theWatchdogHaltsALoopingRuleNamesItAndLeavesItOutWhileTheRestGoesOn() throws Exception {
        RuleBase rules = new RuleBaseCompiler().compile(List.of(new RuleBaseCompiler.RuleSource("loop.drl", """
                package test;
                import io.homeostat.service.engine.facts.*;
                declare Counter
                    value : int
                end
                rule "start counting"
                when
                    Signal( metric == "loop" )
                then
                    insert( new Counter( 0 ) );
                end
                rule "count for ever"
                when
                    $c : Counter( value >= 0 )
                then
                    modify( $c ) { setValue( $c.getValue() + 1 ) }
                end
                declare Tally
                    value : int
                end
                rule "start tallying"
                when
                    Signal( metric == "loop" )
                then
                    insert( new Tally( 0 ) );
                end
                // Loops too, more slowly: found only once the first loop is left out.
                rule "tally for ever"
                when
                    $t : Tally( value >= 0 )
                then
                    modify( $t ) { setValue( $t.getValue() + 1 ) }
                end
                rule "still working"
                when
                    $s : Signal( metric == "ok" )
                then
                    insert( new Issue( $s.getTenant(), $s.getResource(), "works", Severity.INFO, "application", $s.getTime(),
                                       drools.getRule().getName(), "rules still fire" ) );
                end
                """)));
        SignalQueue queue = new SignalQueue(1_000);
        MetricRegistry metrics = new MetricRegistry();
        List<EngineOutputs> outputs = new CopyOnWriteArrayList<>();
        Engine engine = engine(rules, queue, outputs::add, metrics, (thread, error) -> { }, Duration.ofMillis(500));
        engine.start();
        try {
            long now = System.currentTimeMillis();
            queue.offerAll(List.of(signal("host:a", "loop", now)));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> engine.status().disabledRules().size() == 2);
            assertThat(engine.status().disabledRules()).containsExactlyInAnyOrder("count for ever", "tally for ever");
            assertThat(metrics.counter("homeostat.engine.watchdog_halts").getCount()).isEqualTo(2);
            assertThat(engine.status().threadAlive()).as("two loops are two halts, not a dead engine").isTrue();

            queue.offerAll(List.of(signal("host:b", "ok", now)));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> outputs.stream().mapToInt(EngineOutputs::issuesOpened).sum() == 1);
            assertThat(engine.status().threadAlive()).isTrue();
            assertThat(engine.status().millisSinceLastLoop()).isLessThan(1_000);
        } finally {
            engine.stop();
        }
    }

    /** An engine on {@code rules} as the tests run it: 50 ms ticks, batches of 500, a 30 s drain; not started. */
    private static Engine engine(RuleBase rules, SignalQueue queue, EngineOutputHandler outputs, MetricRegistry metrics) {
        return engine(rules, queue, outputs, metrics, (thread, error) -> { }, Duration.ofSeconds(10));
    }

    private static Engine engine(RuleBase rules, SignalQueue queue, EngineOutputHandler outputs, MetricRegistry metrics,
                                 Thread.UncaughtExceptionHandler whenDead, Duration maxIterationTime) {
        return new Engine(rules, new Inbox(queue, 100), outputs, List::of, now -> RestoredState.NONE, (batch, at) -> { }, whenDead,
                new EngineSettings(500, Duration.ofMillis(50), Duration.ofSeconds(30), maxIterationTime, TestPolicy.trusted(), List.of(),
                        Baselines.Settings.DEFAULTS, Duration.ofMinutes(5), List.of(), Projections.Settings.DEFAULTS), BaselineSink.NONE,
                metrics);
    }

    private static Signal signal(String resource, String metric, long now) {
        return new Signal("default", resource, metric, 1, now, null, null, java.util.Map.of(), System.nanoTime());
    }

    @Test
    void theQueueAdmitsWholeBatchesOnly() {
        SignalQueue queue = new SignalQueue(5);
        assertThat(queue.offerAll(failingProbes(1))).isTrue();
        assertThat(queue.offerAll(failingProbes(1))).as("3 more do not fit in the 2 left").isFalse();
        assertThat(queue.depth()).isEqualTo(3);
    }
}
