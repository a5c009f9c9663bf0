package io.homeostat.plugins.kubernetes;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.ActionResult;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An action that changes a deployment's spec in one edit, which also records the remediation id on
 * the deployment ({@code homeostat.io/remediation}): a retried or restarted attempt that finds its own
 * id there reports the change as done instead of making it twice (scaling by +1 twice would be +2).
 * Its snapshot is the deployment's spec; rollback puts that spec back, unless the deployment was
 * deleted and created again since (another uid), which it refuses.
 */
abstract class DeploymentAction extends KubernetesAction {

    DeploymentAction(String id, ActionMetadata metadata) {
        super(id, metadata);
    }

    /** The change to make, worked out from the deployment as it is; throws when it does not apply or must not be made. */
    abstract Change change(KubernetesClient client, Deployments.Found found, Target target, ActionContext context) throws NotApplicable, Refused;

    /** Which deployment: the target's own unless the action takes a {@code target} parameter. */
    Optional<String> scaleTarget(ActionContext context) {
        return Optional.empty();
    }

    record Change(String message, Map<String, String> details, Consumer<Deployment> edit) {
    }

    @Override
    final ActionResult act(KubernetesClient client, Target target, ActionContext context) throws NotApplicable, Refused {
        Deployments.Found found = Deployments.find(client, target, scaleTarget(context));
        if (context.remediationId().equals(annotations(found.deployment()).get(Deployments.REMEDIATION))) {
            return ActionResult.success(found.describe() + " already carries this remediation's change", Map.of("deployment", found.describe()));
        }
        Change change = change(client, found, target, context);
        found.resource(client).edit(deployment -> {
            change.edit().accept(deployment);
            annotate(deployment, context.remediationId());
            return deployment;
        });
        Map<String, String> details = new HashMap<>(change.details());
        details.put("deployment", found.namespace() + "/" + found.name());
        return ActionResult.success(change.message() + " (" + found.describe() + ")", details);
    }

    @Override
    public Optional<String> snapshot(ActionContext context) throws Exception {
        try (KubernetesClient client = Cluster.of(context.settings()).connect(context.remaining())) {
            Deployments.Found found = Deployments.find(client, Targets.resolve(context.settings(), context.resource()), scaleTarget(context));
            ObjectMeta meta = found.deployment().getMetadata();
            Deployment saved = new DeploymentBuilder().withNewMetadata().withNamespace(meta.getNamespace()).withName(meta.getName())
                    .withUid(meta.getUid()).endMetadata().withSpec(found.deployment().getSpec()).build();
            return Optional.of(client.getKubernetesSerialization().asJson(saved));
        } catch (NotApplicable e) {
            return Optional.empty();            // execute says why; there is nothing to restore
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("could not read the deployment's spec before changing it: Kubernetes API at "
                    + Cluster.of(context.settings()).describe() + ": " + Cluster.reason(e), e);
        }
    }

    @Override
    public ActionResult rollback(ActionContext context, String snapshot) throws Exception {
        return call(context, (client, target) -> {
            Deployment saved = client.getKubernetesSerialization().unmarshal(snapshot, Deployment.class);
            String namespace = saved.getMetadata().getNamespace();
            String name = saved.getMetadata().getName();
            var resource = client.apps().deployments().inNamespace(namespace).withName(name);
            Deployment now = resource.get();
            if (now == null) {
                throw new Refused("deployment " + namespace + "/" + name + " no longer exists; nothing restored");
            }
            if (!Objects.equals(now.getMetadata().getUid(), saved.getMetadata().getUid())) {
                throw new Refused("deployment " + namespace + "/" + name + " was deleted and created again since the snapshot; its spec was not restored");
            }
            resource.edit(deployment -> {
                deployment.setSpec(saved.getSpec());
                annotate(deployment, context.remediationId() + "/rollback");
                return deployment;
            });
            return ActionResult.success("restored the spec of deployment " + namespace + "/" + name + " from before " + context.remediationId(),
                    Map.of("deployment", namespace + "/" + name));
        });
    }

    /** A restarted attempt: done if the deployment carries its id, else made now (the change was never sent). */
    @Override
    public Optional<ActionResult> reconcile(ActionContext context, Instant startedAt) throws Exception {
        return Optional.of(execute(context));
    }

    private static Map<String, String> annotations(Deployment deployment) {
        Map<String, String> annotations = deployment.getMetadata().getAnnotations();
        return annotations == null ? Map.of() : annotations;
    }

    private static void annotate(Deployment deployment, String remediationId) {
        if (deployment.getMetadata().getAnnotations() == null) {
            deployment.getMetadata().setAnnotations(new HashMap<>());
        }
        deployment.getMetadata().getAnnotations().put(Deployments.REMEDIATION, remediationId);
    }
}
