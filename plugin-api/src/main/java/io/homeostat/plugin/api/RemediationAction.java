package io.homeostat.plugin.api;

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
}
