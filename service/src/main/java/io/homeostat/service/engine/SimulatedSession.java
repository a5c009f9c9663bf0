package io.homeostat.service.engine;

import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.engine.facts.PolicySettings;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The one pseudo-clock harness: an {@link EngineSession} on simulated time for scenarios, backtests,
 * rule tests and the benchmarks. Time moves a second at a time, the rules firing after each step,
 * as the engine thread fires at least every tick when live: timers and window edges take effect in
 * the order they would live, so that every harness decides alike at a window's edge (before, the
 * scenario runner stepped by the second and backtests and rule tests jumped, and could disagree).
 * Every fire's outputs go to the consumer given.
 */
public final class SimulatedSession implements AutoCloseable {
    /** The longest step of simulated time between two fires. */
    public static final long STEP_MILLIS = 1_000;
    private final EngineSession session;
    private final Consumer<EngineOutputs> outputs;

    public SimulatedSession(RuleBase rules, long startMillis, PolicySettings policy, List<AvailableAction> actions,
                            Consumer<EngineOutputs> outputs) {
        this.session = EngineSession.pseudoClock(rules, startMillis);
        this.outputs = outputs;
        session.setPolicy(policy);
        session.setAvailableActions(actions);
    }

    /** The session itself, for what the harness does not wrap (baselines, facts, settings). */
    public EngineSession session() {
        return session;
    }

    public long now() {
        return session.now();
    }

    /** Inserts a fact (a signal, an outcome, an answer) at the current time; {@link #fire} evaluates it. */
    public void insert(Object fact) {
        session.insert(fact);
    }

    public void fire() {
        outputs.accept(session.fire());
    }

    /** Moves the clock forward by {@code duration}, a step of at most {@link #STEP_MILLIS} at a time, firing after each. */
    public void advance(Duration duration) {
        advanceTo(session.now() + duration.toMillis());
    }

    /** Moves the clock to {@code time} (no further than it is already: nothing happens), firing after each step. */
    public void advanceTo(long time) {
        while (session.now() < time) {
            session.advance(Duration.ofMillis(Math.min(STEP_MILLIS, time - session.now())));
            fire();
        }
    }

    @Override
    public void close() {
        session.close();
    }
}
