package io.homeostat.service.engine;

/**
 * The engine as the health check and API see it.
 *
 * @param millisSinceLastLoop time since the engine thread last finished an iteration; it loops at
 *     least every tick even when idle, so a large value means it is stuck
 * @param disabledRules rules the watchdog halted and left out because they looped (until the rules are reloaded)
 */
public record EngineStatus(boolean threadAlive, long millisSinceLastLoop, String ruleVersion, int ruleCount,
                           long signalsEvaluated, long ruleErrors, java.util.Set<String> disabledRules) {
}
