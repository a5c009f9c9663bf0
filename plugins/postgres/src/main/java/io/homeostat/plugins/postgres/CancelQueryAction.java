package io.homeostat.plugins.postgres;

import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.RiskLevel;
import java.util.Set;
import org.pf4j.Extension;

/** {@code postgres.cancel-query}: cancels the long-running queries and waits graceSeconds for them to stop. */
@Extension
public class CancelQueryAction extends BackendAction {
    public CancelQueryAction() {
        super("postgres.cancel-query", new ActionMetadata("Cancel the queries running longer than olderThanSeconds (pg_cancel_backend); never a superuser's or a protected role's", RiskLevel.LOW, 0.3, false, Set.of("slow_query"), 0.8),
                "long-running query", Backends.LONG_QUERY, 60, true, false);
    }
}
