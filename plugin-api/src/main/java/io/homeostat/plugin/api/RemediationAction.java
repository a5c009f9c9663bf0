package io.homeostat.plugin.api;

import java.util.Optional;
import org.pf4j.ExtensionPoint;

/**
 * A remediation a rule can propose, implemented by a plugin and discovered through PF4J.
 *
 * <p>Implementations must be safe to call from several threads at once (for different resources)
 * and should honour {@link ActionContext#deadline()}: the service stops waiting for them at the
 * deadline and records the attempt as failed.
 */
public interface RemediationAction extends ExtensionPoint {
    /** Stable id rules refer to, {@code <plugin>.<verb>}, for example {@code process.restart}. */
    String id();

    ActionMetadata metadata();

    /**
     * Carries out the action. Return a failure result for an expected failure; throwing is
     * recorded as a failure with the exception's message.
     */
    ActionResult execute(ActionContext context) throws Exception;

    /**
     * Called before {@link #execute} when {@link ActionMetadata#reversible()} is true: captures
     * what the action is about to change, as an opaque string the service stores with the attempt
     * and hands back to {@link #rollback}. Empty means "nothing to roll back to" (the action still
     * runs, but cannot be undone); throwing stops the attempt before it acts.
     *
     * @since 1.1.0
     */
    default Optional<String> snapshot(ActionContext context) throws Exception {
        return Optional.empty();
    }

    /**
     * Undoes an attempt that verification found did not help, restoring {@code snapshot}. Called
     * with the same remediation id as the attempt, so that it is idempotent too.
     *
     * @since 1.1.0
     */
    default ActionResult rollback(ActionContext context, String snapshot) throws Exception {
        return ActionResult.failure(id() + " cannot roll back", java.util.Map.of());
    }

    /**
     * Called at start-up for an attempt that a crash of the service cut short while it ran (its
     * record still says running): looks at the world and finishes the job, under the same remediation
     * id (the idempotency key) as the attempt. Returns success when the action's effect is in place
     * (done before the crash, or completed now), failure when it is not and could not be completed,
     * {@link ActionResult#notApplicable} when the action does not apply, and empty when the action
     * cannot tell (the default): the service then marks the attempt interrupted and lets
     * verification judge whether the problem went away, as before 1.5.0. Must not do the work twice:
     * an effect already in place is reported, not repeated.
     *
     * @param startedAt when the interrupted attempt started, so that its effect can be told apart from
     *     what was there before it (a process started after it, say)
     * @since 1.5.0
     */
    default Optional<ActionResult> reconcile(ActionContext context, java.time.Instant startedAt) throws Exception {
        return Optional.empty();
    }

    /**
     * Checks the plugin's settings (its section of config.yml) when its jar loads, so that a bad
     * setting fails then — start-up stops, a hot reload rejects the jar and the last good version
     * keeps working — instead of during an incident. Returns every problem, each naming its path
     * ({@link PluginSettings#path()}); empty when the settings are usable. Environment references
     * ({@code ${env:NAME}}) are resolved at call time and need not be set yet.
     *
     * @since 1.3.0
     */
    default java.util.List<String> validate(PluginSettings settings) {
        return java.util.List.of();
    }
}
