package io.homeostat.plugins.kubernetes;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import java.util.Optional;

/** Finding the deployment an action changes: named by the target (or its {@code target} parameter), or owning the target's pod. */
final class Deployments {
    /** Written on the deployment with each change: the remediation id that made it, so a restarted attempt can tell it is done. */
    static final String REMEDIATION = "homeostat.io/remediation";

    private Deployments() {
    }

    record Found(String namespace, String name, Deployment deployment) {
        RollableScalableResource<Deployment> resource(KubernetesClient client) {
            return client.apps().deployments().inNamespace(namespace).withName(name);
        }

        String describe() {
            return "deployment " + namespace + "/" + name;
        }
    }

    static Found find(KubernetesClient client, Target target, Optional<String> scaleTarget) throws NotApplicable {
        String name;
        if (scaleTarget.isPresent() && !scaleTarget.get().equals("service")) {
            name = target.scaleTargets().get(scaleTarget.get());
            if (name == null) {
                throw new NotApplicable("no deployment is configured as target '" + scaleTarget.get() + "' of " + target.resource()
                        + " (its targets: " + target.scaleTargets().keySet() + "); nothing was changed");
            }
        } else if (target.deployment().isPresent()) {
            name = target.deployment().get();
        } else {
            name = owner(client, target);
        }
        Deployment deployment = client.apps().deployments().inNamespace(target.namespace()).withName(name).get();
        if (deployment == null) {
            throw new NotApplicable("deployment " + target.namespace() + "/" + name + " does not exist; nothing was changed");
        }
        return new Found(target.namespace(), name, deployment);
    }

    /** A pod's deployment: the controller of the ReplicaSet that controls it. */
    private static String owner(KubernetesClient client, Target target) throws NotApplicable {
        String podName = target.pod().orElseThrow();
        Pod pod = client.pods().inNamespace(target.namespace()).withName(podName).get();
        if (pod == null) {
            throw new NotApplicable("pod " + target.namespace() + "/" + podName + " does not exist; nothing was changed");
        }
        OwnerReference replicaSetRef = controller(pod.getMetadata().getOwnerReferences())
                .filter(ref -> "ReplicaSet".equals(ref.getKind()))
                .orElseThrow(() -> new NotApplicable("pod " + target.namespace() + "/" + podName + " is not run by a Deployment ("
                        + controller(pod.getMetadata().getOwnerReferences()).map(ref -> "its controller is " + ref.getKind() + " " + ref.getName())
                                .orElse("it has no controller") + "); nothing was changed"));
        ReplicaSet replicaSet = client.apps().replicaSets().inNamespace(target.namespace()).withName(replicaSetRef.getName()).get();
        return Optional.ofNullable(replicaSet).flatMap(rs -> controller(rs.getMetadata().getOwnerReferences()))
                .filter(ref -> "Deployment".equals(ref.getKind())).map(OwnerReference::getName)
                .orElseThrow(() -> new NotApplicable("pod " + target.namespace() + "/" + podName + " belongs to ReplicaSet "
                        + replicaSetRef.getName() + ", which no Deployment controls; nothing was changed"));
    }

    static Optional<OwnerReference> controller(java.util.List<OwnerReference> owners) {
        return owners == null ? Optional.empty() : owners.stream().filter(ref -> Boolean.TRUE.equals(ref.getController())).findFirst();
    }
}
