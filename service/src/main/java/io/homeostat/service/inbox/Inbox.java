package io.homeostat.service.inbox;

import io.homeostat.service.engine.facts.RemediationOutcome;
import io.homeostat.service.engine.facts.RollbackOutcome;
import io.homeostat.service.engine.facts.Signal;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's one way in. Two lanes, both drained by the engine thread only: signals (bounded,
 * admitted a batch whole or not at all: the API's 429), and every other {@link EngineInput}.
 * Machine-sent inputs (alert notifications) are bounded too and may be refused, like signals.
 * Operators' commands and the executor's reports never are: a command is stored before it is
 * submitted (refusing it then would leave store and rules disagreeing), and an outcome dropped would
 * leave an attempt running forever in the rules. Both are bounded by what causes them (humans, and
 * the attempts in flight).
 */
public final class Inbox implements Ingress {
    private final SignalQueue signals;
    private final ConcurrentLinkedQueue<Waiting> inputs = new ConcurrentLinkedQueue<>();
    private final AtomicInteger external = new AtomicInteger();
    private final int inputCapacity;

    /**
     * @param inputCapacity how many machine-sent inputs (alert notifications) may wait at once
     */
    public Inbox(SignalQueue signals, int inputCapacity) {
        this.signals = Objects.requireNonNull(signals, "signals");
        if (inputCapacity < 1) {
            throw new IllegalArgumentException("inputCapacity must be positive");
        }
        this.inputCapacity = inputCapacity;
    }

    /** The signal lane, for the gates and health checks that measure it. */
    public SignalQueue signals() {
        return signals;
    }

    /** Admits all signals, or none when they do not fit or the engine is stopping. */
    @Override
    public boolean offerSignals(List<Signal> batch) {
        return signals.offerAll(batch);
    }

    /** Admits a machine-sent input, or refuses it (false) when {@code inputCapacity} wait already or the engine is stopping. */
    public boolean offer(EngineInput input) {
        Objects.requireNonNull(input, "input");
        if (signals.isClosed()) {
            return false;
        }
        if (external.incrementAndGet() > inputCapacity) {
            external.decrementAndGet();
            return false;
        }
        inputs.add(new Waiting(input, true));
        return true;
    }

    /** Admits a notification's alerts, or refuses them as {@link #offer} does. */
    @Override
    public boolean offerAlerts(EngineInput.AlertNotice notice) {
        return offer(notice);
    }

    /** An operator's command, already stored: always admitted. */
    public void submit(EngineInput command) {
        inputs.add(new Waiting(Objects.requireNonNull(command, "command"), false));
    }

    /**
     * An operator's command about one resource (an approval's answer, a manual run), already stored:
     * to the engine that evaluates the resource (with Kafka, possibly another replica's), else to this one.
     */
    public void submit(EngineInput command, String tenant, String resource) {
        Route route = this.route;
        if (route == null || !route.forwarded(tenant, resource, command)) {
            submit(command);
        }
    }

    /** The executor's report on an attempt: always admitted, by the engine that evaluates its resource. */
    public void report(RemediationOutcome outcome) {
        submit(new EngineInput.AttemptReport(outcome), outcome.tenant(), outcome.resource());
    }

    /** The executor's report on a rollback: always admitted. */
    public void report(RollbackOutcome outcome) {
        inputs.add(new Waiting(new EngineInput.RollbackReport(outcome), false));
    }

    /** The next input waiting, or null; engine thread only. */
    public EngineInput poll() {
        Waiting next = inputs.poll();
        if (next == null) {
            return null;
        }
        if (next.external()) {
            external.decrementAndGet();
        }
        return next.input();
    }

    /** True while inputs other than signals wait. */
    public boolean hasInputs() {
        return !inputs.isEmpty();
    }

    /**
     * Where an input about one resource (an attempt's report, an operator's answer or run) goes when
     * another replica's engine evaluates the resource (Kafka mode: the engine of the resource's
     * partition); without one, every input is this engine's.
     */
    @FunctionalInterface
    public interface Route {
        /** True when the input was taken to another engine (and is not this one's). */
        boolean forwarded(String tenant, String resource, EngineInput input);
    }

    private volatile Route route;

    /** Sends inputs about a resource through {@code route} from now on (set once at start-up, before the executor runs). */
    public void route(Route route) {
        this.route = Objects.requireNonNull(route, "route");
    }

    /** An input in the lane, and whether it counts against the capacity for inputs from outside. */
    private record Waiting(EngineInput input, boolean external) {
    }

    /** Inputs other than signals waiting now. */
    public int inputDepth() {
        return inputs.size();
    }
}
