package io.homeostat.service.testing;

import io.homeostat.service.engine.facts.AutonomyMode;
import io.homeostat.service.engine.facts.PolicySettings;

/**
 * The default policy with every (issue type, action) pair trusted from the start (autonomy auto):
 * what tests of the rules and gates decide once a pair has earned it. Tests of earned autonomy
 * itself start from {@link PolicySettings#defaults()} (observe).
 */
public final class TestPolicy {
    private TestPolicy() {
    }

    public static PolicySettings trusted() {
        return PolicySettings.builder().autonomyStartIn(AutonomyMode.AUTO).build();
    }
}
