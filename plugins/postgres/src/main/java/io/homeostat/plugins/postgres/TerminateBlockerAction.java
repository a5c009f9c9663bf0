package io.homeostat.plugins.postgres;

import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.RiskLevel;
import java.util.Set;
import org.pf4j.Extension;

/** {@code postgres.terminate-blocker}: cancels the backend at the head of each lock chain whose waiters have waited longer than olderThanSeconds (and is not waiting itself), then terminates it if it still holds on. */
@Extension
public class TerminateBlockerAction extends BackendAction {
    public TerminateBlockerAction() {
        super("postgres.terminate-blocker", new ActionMetadata("End the backend at the head of a lock chain that has made others wait longer than olderThanSeconds", RiskLevel.MEDIUM, 0.8, false, Set.of("lock_contention", "slow_query"), 0.8),
                "lock-chain head", Backends.CHAIN_HEAD, 30, true, true);
    }
}
