package io.homeostat.plugins.kubernetes;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.RiskLevel;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * {@code kubernetes.scale}: adds {@code by} replicas (1 by default, at most {@code maxScaleStep}) to the
 * deployment the {@code target} parameter names ({@code service}, the default, is the resource's own;
 * other names come from the resource's {@code targets}), never past {@code maxReplicas}. A deployment an
 * HorizontalPodAutoscaler manages is left alone: the autoscaler would undo the change.
 */
@Extension
public class ScaleAction extends DeploymentAction {
    public ScaleAction() {
        super("kubernetes.scale", new ActionMetadata("Add replicas to a deployment, by at most maxScaleStep and never past maxReplicas",
                RiskLevel.LOW, 1.0, true, Set.of("queue_overflow", "rate_limit_breach", "high_cpu", "high_latency"), 0.7));
    }

    @Override
    Optional<String> scaleTarget(ActionContext context) {
        return Optional.ofNullable(context.parameters().get("target"));
    }

    @Override
    Change change(KubernetesClient client, Deployments.Found found, Target target, ActionContext context) throws NotApplicable, Refused {
        Limits limits = target.limits();
        String by = context.parameters().getOrDefault("by", "1");
        int step;
        try {
            step = Integer.parseInt(by.trim());
        } catch (NumberFormatException e) {
            step = 0;
        }
        if (step < 1 || step > limits.maxScaleStep()) {
            throw new Refused("parameter by must be a whole number from 1 to maxScaleStep (" + limits.maxScaleStep() + "), was '" + by + "'");
        }
        for (HorizontalPodAutoscaler hpa : client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(found.namespace()).list().getItems()) {
            var ref = hpa.getSpec() == null ? null : hpa.getSpec().getScaleTargetRef();
            if (ref != null && "Deployment".equals(ref.getKind()) && found.name().equals(ref.getName())) {
                throw new NotApplicable("HorizontalPodAutoscaler " + hpa.getMetadata().getName() + " manages the replicas of "
                        + found.describe() + "; scaling it by hand would be undone");
            }
        }
        Integer replicas = found.deployment().getSpec().getReplicas();
        int before = replicas == null ? 1 : replicas;
        if (before >= limits.maxReplicas()) {
            throw new Refused(found.describe() + " already runs " + before + " replicas, at or above its ceiling of "
                    + limits.maxReplicas() + " (maxReplicas); not scaled");
        }
        int after = Math.min(before + step, limits.maxReplicas());
        return new Change("scaled from " + before + " to " + after + " replicas" + (after < before + step ? ", held at the ceiling" : ""),
                Map.of("replicasBefore", Integer.toString(before), "replicasAfter", Integer.toString(after),
                        "maxReplicas", Integer.toString(limits.maxReplicas())),
                deployment -> deployment.getSpec().setReplicas(after));
    }
}
