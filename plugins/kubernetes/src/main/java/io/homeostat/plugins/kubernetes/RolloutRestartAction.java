package io.homeostat.plugins.kubernetes;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.RiskLevel;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * {@code kubernetes.rollout-restart}: what {@code kubectl rollout restart} does, a new
 * {@code kubectl.kubernetes.io/restartedAt} annotation on the pod template, so that the deployment
 * replaces its pods under its own rollout strategy. Not reversible: a restart cannot be taken back
 * (restoring the annotation would restart the pods again).
 */
@Extension
public class RolloutRestartAction extends DeploymentAction {
    static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

    public RolloutRestartAction() {
        super("kubernetes.rollout-restart", new ActionMetadata("Restart a deployment's pods under its rollout strategy (kubectl rollout restart)",
                RiskLevel.MEDIUM, 1.5, false, Set.of("known_vulnerability", "pod_crash", "high_memory", "high_latency", "service_down"), 0.7));
    }

    @Override
    Change change(KubernetesClient client, Deployments.Found found, Target target, ActionContext context) throws Refused {
        if (Boolean.TRUE.equals(found.deployment().getSpec().getPaused())) {
            throw new Refused(found.describe() + " is paused: a restart would not roll out until someone resumes it; not restarted");
        }
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        return new Change("restarted its pods (restartedAt " + now + ")", Map.of("restartedAt", now), deployment -> restart(deployment, now));
    }

    private static void restart(Deployment deployment, String now) {
        var metadata = deployment.getSpec().getTemplate().getMetadata();
        if (metadata.getAnnotations() == null) {
            metadata.setAnnotations(new HashMap<>());
        }
        metadata.getAnnotations().put(RESTARTED_AT, now);
    }
}
