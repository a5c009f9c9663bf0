package io.homeostat.plugins.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.RemediationAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What every kubernetes action shares: settings checked at load, the resource resolved to what config
 * allows (else not applicable), one client for the call, and the API's refusals turned into results:
 * no answer, a conflict, throttling or a server error is a retryable failure; any other refusal (403
 * forbidden, 404 gone, 422 invalid) is final; both quote the API's status.
 */
abstract class KubernetesAction implements RemediationAction {
    private final String id;
    private final ActionMetadata metadata;

    KubernetesAction(String id, ActionMetadata metadata) {
        this.id = id;
        this.metadata = metadata;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final ActionMetadata metadata() {
        return metadata;
    }

    @Override
    public List<String> validate(PluginSettings settings) {
        List<String> problems = new ArrayList<>(Cluster.validate(settings));
        problems.addAll(Targets.validate(settings));
        return problems;
    }

    @Override
    public ActionResult execute(ActionContext context) throws Exception {
        return call(context, (client, target) -> act(client, target, context));
    }

    /** Does the work on a resolved target; throws NotApplicable (did nothing, not blamed) or Refused (a failed attempt). */
    abstract ActionResult act(KubernetesClient client, Target target, ActionContext context) throws NotApplicable, Refused;

    interface Call {
        ActionResult run(KubernetesClient client, Target target) throws NotApplicable, Refused;
    }

    final ActionResult call(ActionContext context, Call call) {
        Cluster cluster = Cluster.of(context.settings());
        Target target;
        try {
            target = Targets.resolve(context.settings(), context.resource());
        } catch (NotApplicable e) {
            return ActionResult.notApplicable(e.getMessage(), Map.of());
        }
        try (KubernetesClient client = cluster.connect(context.remaining())) {
            return call.run(client, target);
        } catch (NotApplicable e) {
            return ActionResult.notApplicable(e.getMessage(), Map.of());
        } catch (Refused e) {
            return ActionResult.failure(e.getMessage(), Map.of());
        } catch (KubernetesClientException e) {
            String message = "Kubernetes API at " + cluster.describe() + " (" + target.describe() + "): " + Cluster.reason(e);
            return Cluster.transientFailure(e) ? ActionResult.transientFailure(message, Map.of()) : ActionResult.failure(message, Map.of());
        }
    }
}
