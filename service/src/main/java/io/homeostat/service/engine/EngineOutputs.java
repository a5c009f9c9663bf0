package io.homeostat.service.engine;

import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.IssueRecord;
import java.util.List;

/**
 * What one engine batch changed: issues that were opened or updated, and decisions that reached an
 * outcome. Immutable copies, safe to hand to other threads.
 *
 * @param issuesOpened how many of {@code issues} were opened in this batch
 * @param oldestSignalNanos {@link System#nanoTime()} at which the oldest signal of the batch was
 *     accepted, or 0 when the batch held none; latency metrics count from here
 */
public record EngineOutputs(List<IssueRecord> issues, int issuesOpened, List<DecisionRecord> decisions, long oldestSignalNanos) {
    public static final EngineOutputs EMPTY = new EngineOutputs(List.of(), 0, List.of(), 0);

    public EngineOutputs {
        issues = List.copyOf(issues);
        decisions = List.copyOf(decisions);
    }

    public boolean isEmpty() {
        return issues.isEmpty() && decisions.isEmpty();
    }
}
