package io.homeostat.plugins.postgres;

import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.RiskLevel;
import java.util.Set;
import org.pf4j.Extension;

/** {@code postgres.terminate-idle-in-transaction}: terminates the sessions idle inside an open transaction longer than olderThanSeconds (a cancel does nothing to an idle session). */
@Extension
public class TerminateIdleAction extends BackendAction {
    public TerminateIdleAction() {
        super("postgres.terminate-idle-in-transaction", new ActionMetadata("Terminate sessions idle inside an open transaction longer than olderThanSeconds", RiskLevel.MEDIUM, 0.5, false, Set.of("idle_in_transaction", "lock_contention"), 0.8),
                "session idle in transaction", Backends.IDLE_IN_TRANSACTION, 300, false, true);
    }
}
