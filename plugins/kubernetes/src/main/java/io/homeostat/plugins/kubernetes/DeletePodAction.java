package io.homeostat.plugins.kubernetes;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.RiskLevel;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * {@code kubernetes.delete-pod}: deletes the pod the resource names ({@code pod:NAMESPACE/NAME}) so
 * that its controller starts a fresh one. A pod no controller owns is refused: deleting it would not
 * bring it back. Not reversible.
 */
@Extension
public class DeletePodAction extends KubernetesAction {
    public DeletePodAction() {
        super("kubernetes.delete-pod", new ActionMetadata("Delete a crashing pod so that its controller replaces it", RiskLevel.LOW, 0.5, false,
                Set.of("pod_crash", "service_down", "high_memory"), 0.6));
    }

    @Override
    ActionResult act(KubernetesClient client, Target target, ActionContext context) throws NotApplicable, Refused {
        if (target.pod().isEmpty()) {
            throw new NotApplicable(id() + " acts on pod:NAMESPACE/NAME resources, not " + target.resource() + "; nothing was deleted");
        }
        String name = target.pod().get();
        var resource = client.pods().inNamespace(target.namespace()).withName(name);
        Pod pod = resource.get();
        if (pod == null) {
            throw new NotApplicable("pod " + target.namespace() + "/" + name + " does not exist (already replaced?); nothing was deleted");
        }
        OwnerReference owner = Deployments.controller(pod.getMetadata().getOwnerReferences()).orElseThrow(() ->
                new Refused("pod " + target.namespace() + "/" + name + " has no controller: deleting it would not bring it back; not deleted"));
        resource.delete();
        return ActionResult.success("deleted pod " + target.namespace() + "/" + name + "; " + owner.getKind() + " " + owner.getName() + " replaces it",
                Map.of("pod", target.namespace() + "/" + name, "uid", String.valueOf(pod.getMetadata().getUid()),
                        "controller", owner.getKind() + "/" + owner.getName()));
    }
}
