package io.homeostat.service.engine;

import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.inbox.EngineInput;
import java.util.List;

/**
 * Told on the engine thread, after a batch was evaluated and its outputs handed to the outbox, which
 * signals and inputs that batch took: the Kafka feed commits a record's offset once what it produced
 * is in the store. Must not block.
 */
@FunctionalInterface
public interface EvaluationListener {
    EvaluationListener NONE = (signals, inputs) -> {
    };

    void evaluated(List<Signal> signals, List<EngineInput> inputs);
}
