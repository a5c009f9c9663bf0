package io.homeostat.plugins.isolation;

import com.fasterxml.jackson.core.json.PackageVersion;
import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.RemediationAction;
import io.homeostat.plugin.api.RiskLevel;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/** Reports the version of jackson-core this plugin sees and which class loader provided it. */
@Extension
public class LibraryVersionAction implements RemediationAction {
    @Override
    public String id() {
        return "isolation.jackson";
    }

    @Override
    public ActionMetadata metadata() {
        return new ActionMetadata("reports the bundled jackson-core version", RiskLevel.LOW, 0.1, false, Set.of(), 0.5);
    }

    @Override
    public ActionResult execute(ActionContext context) {
        return ActionResult.success("jackson-core " + PackageVersion.VERSION, Map.of(
                "jacksonVersion", PackageVersion.VERSION.toString(),
                "loadedByPlugin", Boolean.toString(PackageVersion.class.getClassLoader() == getClass().getClassLoader())));
    }
}
