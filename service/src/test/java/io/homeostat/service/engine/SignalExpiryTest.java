package io.homeostat.service.engine;

import io.homeostat.service.testing.TestPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.Signal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signals leave the session when their lifetime after their own time has passed, and not before; silent resources are forgotten. */
class SignalExpiryTest {
    private static final long T0 = 1_800_000_000_000L;
    private static final String LONGER = """
            package homeostat.rules.longer;
            import io.homeostat.service.engine.facts.Signal;
            declare Signal
                @role( event )
                @timestamp( time )
                @expires( 1h )
            end
            """;

    private static final String NOTE_LATE = """
            package homeostat.rules.late;
            import io.homeostat.service.engine.facts.*;
            rule "late: a backfilled reading is noted"
            when
                $s : Signal( metric == "backfill.done", $t : tenant, $r : resource )
            then
                insert( new Issue( $t, $r, "backfilled", Severity.LOW, "test", $s.getTime(), drools.getRule().getName(), "noted" ) );
            end
            """;

    private static EngineSession session(RuleBase rules) {
        EngineSession session = EngineSession.pseudoClock(rules, T0);
        session.setPolicy(TestPolicy.trusted());
        return session;
    }

    private static List<Double> valuesAt(EngineSession session, Duration sinceStart) {
        session.advance(Duration.ofMillis(T0 + sinceStart.toMillis() - session.now()));
        session.fire();
        return session.facts(Signal.class).stream().map(Signal::getValue).sorted().toList();
    }

    @Test
    void aSignalStaysFifteenMinutesAfterItsOwnTimeWhateverOrderItArrivedIn() throws Exception {
        try (EngineSession session = session(new RuleBaseCompiler().compile(RuleSwapTest.shippedPlus(null, null)))) {
            session.insert(Signal.of("host:a", "cpu.utilization", 1, T0));
            session.advance(Duration.ofMinutes(5));
            session.insert(Signal.of("host:a", "cpu.utilization", 2, T0 + Duration.ofMinutes(5).toMillis()));
            // Arrives late, stamped before the first: it must leave first.
            session.insert(Signal.of("host:a", "cpu.utilization", 3, T0 - Duration.ofMinutes(1).toMillis()));
            session.fire();

            assertThat(valuesAt(session, Duration.ofMinutes(13).plusSeconds(59))).containsExactly(1.0, 2.0, 3.0);
            assertThat(valuesAt(session, Duration.ofMinutes(14).plusSeconds(1))).containsExactly(1.0, 2.0);
            assertThat(valuesAt(session, Duration.ofMinutes(14).plusSeconds(59))).containsExactly(1.0, 2.0);
            assertThat(valuesAt(session, Duration.ofMinutes(15).plusSeconds(1))).containsExactly(2.0);
            assertThat(valuesAt(session, Duration.ofMinutes(20).plusSeconds(1))).isEmpty();
        }
    }

    @Test
    void theLiveSignalCountFollowsWhatTheSessionHolds() throws Exception {
        try (EngineSession session = session(new RuleBaseCompiler().compile(RuleSwapTest.shippedPlus(null, null)))) {
            session.insert(Signal.of("host:a", "cpu.utilization", 1, T0));
            session.insert(Signal.of("host:b", "cpu.utilization", 2, T0));
            // Late: older than its lifetime on arrival, evaluated once and gone.
            session.insert(Signal.of("host:c", "cpu.utilization", 3, T0 - Duration.ofMinutes(20).toMillis()));
            assertThat(session.liveSignals()).isEqualTo(3);
            session.fire();
            assertThat(session.liveSignals()).isEqualTo(2).isEqualTo(session.facts(Signal.class).size());
            valuesAt(session, Duration.ofMinutes(15).plusSeconds(1));
            assertThat(session.liveSignals()).isZero();
        }
    }

    @Test
    void aRuleFileMayDeclareALongerLifetime() throws Exception {
        RuleBase rules = new RuleBaseCompiler().compile(RuleSwapTest.shippedPlus("longer.drl", LONGER));
        assertThat(SignalExpiry.lifetime(rules.kieBase())).isEqualTo(Duration.ofHours(1));
        try (EngineSession session = session(rules)) {
            session.insert(Signal.of("host:a", "cpu.utilization", 1, T0));
            session.fire();

            assertThat(valuesAt(session, Duration.ofMinutes(30))).containsExactly(1.0);
            assertThat(valuesAt(session, Duration.ofMinutes(59))).containsExactly(1.0);
            assertThat(valuesAt(session, Duration.ofMinutes(61))).isEmpty();
        }
    }

    @Test
    void aSessionCarriedOverToNewRulesStillExpiresTheSignalsItWasGiven() throws Exception {
        RuleBaseCompiler compiler = new RuleBaseCompiler();
        try (EngineSession first = session(compiler.compile(RuleSwapTest.shippedPlus(null, null)))) {
            first.insert(Signal.of("host:a", "cpu.utilization", 1, T0));
            first.fire();
            first.advance(Duration.ofMinutes(10));
            try (EngineSession next = first.successor(compiler.compile(RuleSwapTest.shippedPlus(null, null)))) {
                assertThat(valuesAt(next, Duration.ofMinutes(14))).containsExactly(1.0);
                assertThat(valuesAt(next, Duration.ofMinutes(16))).isEmpty();
            }
        }
    }

    @Test
    void aLateSignalOlderThanItsLifetimeIsStillEvaluatedOnceThenRemoved() throws Exception {
        try (EngineSession session = session(new RuleBaseCompiler().compile(RuleSwapTest.shippedPlus("late.drl", NOTE_LATE)))) {
            session.insert(Signal.of("job:nightly", "backfill.done", 1, T0 - Duration.ofMinutes(20).toMillis()));
            session.fire();

            assertThat(session.facts(io.homeostat.service.engine.facts.Issue.class)).extracting(issue -> issue.getType())
                    .containsExactly("backfilled");
            assertThat(session.facts(Signal.class)).isEmpty();
        }
    }

    @Test
    void aResourceSilentForADayIsForgottenAndComesBackWithItsNextSignal() throws Exception {
        try (EngineSession session = session(new RuleBaseCompiler().compile(RuleSwapTest.shippedPlus(null, null)))) {
            session.insert(Signal.of("host:gone", "cpu.utilization", 1, T0));
            session.advance(Duration.ofHours(23));
            session.insert(Signal.of("host:busy", "cpu.utilization", 1, session.now()));
            session.fire();
            assertThat(views(session)).containsExactly("host:busy", "host:gone");

            session.advance(Duration.ofHours(1).plusMinutes(2));
            session.fire();
            assertThat(views(session)).containsExactly("host:busy");

            session.insert(Signal.of("host:gone", "cpu.utilization", 1, session.now()));
            session.fire();
            assertThat(views(session)).containsExactly("host:busy", "host:gone");
        }
    }

    private static List<String> views(EngineSession session) {
        return session.facts(io.homeostat.service.engine.facts.ResourceView.class).stream()
                .map(io.homeostat.service.engine.facts.ResourceView::getResource).sorted().toList();
    }
}
