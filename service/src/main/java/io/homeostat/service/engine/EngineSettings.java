package io.homeostat.service.engine;

import io.homeostat.service.engine.facts.PolicySettings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the engine thread runs (config.yml {@code engine:} and {@code policy:}, built by their factories).
 *
 * @param maxBatch most signals inserted before one fire
 * @param tick the engine fires at least this often when idle, so that timers and windows move on
 * @param drainTimeout how long a stop waits for accepted signals to be evaluated
 * @param maxIterationTime the watchdog's limit for one insert-and-fire: at half of it the watchdog
 *     counts firings, at it the iteration is halted and the rule that fired most is left out until
 *     the rules are reloaded; three times it, still stuck (a consequence that never returns cannot
 *     be halted), the engine is declared dead
 * @param policy the numbers the gate rules read
 * @param windows the maintenance and change-freeze windows the session opens and closes
 * @param baselines which series have learned baselines, and how they learn
 * @param baselineCheckpoint how often the baselines that changed are handed to be stored
 * @param dependencies what resources depend on, from configuration (facts of the session)
 * @param projections which series are projected for predictions, and how
 */
public record EngineSettings(int maxBatch, Duration tick, Duration drainTimeout, Duration maxIterationTime, PolicySettings policy,
                             List<WindowSchedule> windows, Baselines.Settings baselines, Duration baselineCheckpoint,
                             List<io.homeostat.service.engine.facts.Dependency> dependencies, Projections.Settings projections) {
    public EngineSettings {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be positive");
        }
        Objects.requireNonNull(tick, "tick");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(maxIterationTime, "maxIterationTime");
        Objects.requireNonNull(policy, "policy");
        windows = List.copyOf(windows);
        Objects.requireNonNull(baselines, "baselines");
        Objects.requireNonNull(baselineCheckpoint, "baselineCheckpoint");
        dependencies = List.copyOf(dependencies);
        Objects.requireNonNull(projections, "projections");
    }
}
