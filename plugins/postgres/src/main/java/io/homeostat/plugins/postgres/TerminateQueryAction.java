package io.homeostat.plugins.postgres;

import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.RiskLevel;
import java.util.Set;
import org.pf4j.Extension;

/** {@code postgres.terminate-query}: cancels the long-running queries, then terminates (pg_terminate_backend) the backends still running them after graceSeconds. */
@Extension
public class TerminateQueryAction extends BackendAction {
    public TerminateQueryAction() {
        super("postgres.terminate-query", new ActionMetadata("Cancel the queries running longer than olderThanSeconds, then terminate the backends that ignore it", RiskLevel.MEDIUM, 0.8, false, Set.of("slow_query"), 0.8),
                "long-running query", Backends.LONG_QUERY, 60, true, true);
    }
}
