package io.homeostat.service.engine;

import io.homeostat.service.model.BaselineRecord;
import java.util.List;

/**
 * What a new session starts from after a restart.
 *
 * @param facts state to re-assert as it was (not outputs: it is already stored)
 * @param events facts for the rules to act on, as if just reported (reconciled outcomes, rollbacks)
 * @param baselines the learned baselines as last stored, taken back before any reading is evaluated
 * @param projectionHistory the recorded readings of the projected metrics over the span a projection
 *     looks back (from the recording), in order: their series' points are taken back from them
 */
public record RestoredState(List<Object> facts, List<Object> events, List<BaselineRecord> baselines,
                            List<io.homeostat.service.engine.facts.Signal> projectionHistory) {
    public static final RestoredState NONE = new RestoredState(List.of(), List.of(), List.of(), List.of());

    public RestoredState {
        facts = List.copyOf(facts);
        events = List.copyOf(events);
        baselines = List.copyOf(baselines);
        projectionHistory = List.copyOf(projectionHistory);
    }

    /** The same state with the recorded history of the projected metrics. */
    public RestoredState withProjectionHistory(List<io.homeostat.service.engine.facts.Signal> history) {
        return new RestoredState(facts, events, baselines, history);
    }
}
