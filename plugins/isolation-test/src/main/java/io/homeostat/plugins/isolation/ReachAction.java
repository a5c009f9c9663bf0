package io.homeostat.plugins.isolation;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.RemediationAction;
import io.homeostat.plugin.api.RiskLevel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * Tries to load classes a plugin must not see (the service's own, and libraries the service has but
 * this jar does not bundle) and ones it must see (the plugin API, pf4j, the JDK), and reports, per
 * class name, "visible" or "hidden". The service's tests assert the boundary from this report.
 */
@Extension
public class ReachAction implements RemediationAction {
    /** What a plugin must not reach, and what it must. */
    static final Set<String> PROBED = Set.of(
            "io.homeostat.service.HomeostatApplication",
            "com.fasterxml.jackson.databind.ObjectMapper",
            "org.drools.core.common.InternalFactHandle",
            "io.homeostat.plugin.api.RemediationAction",
            "org.pf4j.Extension",
            "java.net.http.HttpClient",
            "javax.sql.DataSource");

    @Override
    public String id() {
        return "isolation.reach";
    }

    @Override
    public ActionMetadata metadata() {
        return new ActionMetadata("reports which classes this plugin can load", RiskLevel.LOW, 0.1, false, Set.of(), 0.5);
    }

    @Override
    public ActionResult execute(ActionContext context) {
        Map<String, String> seen = new LinkedHashMap<>();
        for (String name : PROBED.stream().sorted().toList()) {
            seen.put(name, visible(name) ? "visible" : "hidden");
        }
        return ActionResult.success("probed " + seen.size() + " classes", seen);
    }

    private boolean visible(String name) {
        try {
            Class.forName(name, false, getClass().getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
