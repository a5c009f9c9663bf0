package io.homeostat.plugins.kubernetes;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.RiskLevel;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * {@code kubernetes.rollback}: what {@code kubectl rollout undo} does. The deployment's ReplicaSets
 * keep its earlier pod templates, each with its revision ({@code deployment.kubernetes.io/revision});
 * the newest one older than the deployment's current revision is put back as the deployment's
 * template (without the {@code pod-template-hash} label the controller adds), and the deployment
 * controller rolls the pods back. No earlier revision, or one identical to the current template, is
 * not applicable: nothing to go back to.
 */
@Extension
public class RollbackAction extends DeploymentAction {
    static final String REVISION = "deployment.kubernetes.io/revision";
    private static final String HASH = "pod-template-hash";

    public RollbackAction() {
        super("kubernetes.rollback", new ActionMetadata("Roll a deployment back to its previous revision (kubectl rollout undo)",
                RiskLevel.MEDIUM, 2.0, true, Set.of("pod_crash", "high_error_rate", "high_latency", "service_down"), 0.7));
    }

    @Override
    Change change(KubernetesClient client, Deployments.Found found, Target target, ActionContext context) throws NotApplicable {
        Deployment deployment = found.deployment();
        long current = revision(deployment.getMetadata().getAnnotations()).orElseThrow(() ->
                new NotApplicable(found.describe() + " has no revision (" + REVISION + "); nothing to roll back to"));
        String uid = deployment.getMetadata().getUid();
        ReplicaSet previous = client.apps().replicaSets().inNamespace(found.namespace()).list().getItems().stream()
                .filter(rs -> Deployments.controller(rs.getMetadata().getOwnerReferences())
                        .filter(ref -> "Deployment".equals(ref.getKind()) && uid != null && uid.equals(ref.getUid())).isPresent())
                .filter(rs -> revision(rs.getMetadata().getAnnotations()).filter(r -> r < current).isPresent())
                .max(Comparator.comparingLong(rs -> revision(rs.getMetadata().getAnnotations()).orElseThrow()))
                .orElseThrow(() -> new NotApplicable(found.describe() + " keeps no revision older than " + current + "; nothing to roll back to"));
        long back = revision(previous.getMetadata().getAnnotations()).orElseThrow();
        PodTemplateSpec template = withoutHash(client, previous.getSpec().getTemplate());
        if (template.equals(withoutHash(client, deployment.getSpec().getTemplate()))) {
            throw new NotApplicable(found.describe() + " already runs the template of revision " + back + "; nothing to roll back to");
        }
        return new Change("rolled back from revision " + current + " to revision " + back + " (ReplicaSet " + previous.getMetadata().getName() + ")",
                Map.of("fromRevision", Long.toString(current), "toRevision", Long.toString(back), "replicaSet", previous.getMetadata().getName()),
                edited -> edited.getSpec().setTemplate(template));
    }

    private static PodTemplateSpec withoutHash(KubernetesClient client, PodTemplateSpec template) {
        // A copy through the serializer: the ReplicaSet's own object stays as it was read.
        var serialization = client.getKubernetesSerialization();
        PodTemplateSpec copy = serialization.unmarshal(serialization.asJson(template), PodTemplateSpec.class);
        if (copy.getMetadata() != null && copy.getMetadata().getLabels() != null) {
            Map<String, String> labels = new HashMap<>(copy.getMetadata().getLabels());
            labels.remove(HASH);
            copy.getMetadata().setLabels(labels);
        }
        return copy;
    }

    private static Optional<Long> revision(Map<String, String> annotations) {
        if (annotations == null || annotations.get(REVISION) == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(annotations.get(REVISION).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
