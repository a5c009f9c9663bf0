package io.homeostat.plugins.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.RiskLevel;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * {@code kubernetes.raise-memory}: multiplies a container's memory limit in the deployment's pod
 * template by {@code factor} (1.5 by default; above 1, at most {@code maxMemoryFactor}), rounded up to
 * a whole MiB and never past {@code memoryCeiling}. The container is the {@code container} parameter,
 * else the one of the resource's pod that was OOMKilled, else the template's only container. A
 * container without a memory limit is not applicable: its OOM kill came from the node, not a limit.
 */
@Extension
public class RaiseMemoryAction extends DeploymentAction {
    private static final BigDecimal MIB = BigDecimal.valueOf(1024L * 1024L);

    public RaiseMemoryAction() {
        super("kubernetes.raise-memory", new ActionMetadata("Raise a container's memory limit by a factor, never past memoryCeiling",
                RiskLevel.MEDIUM, 1.5, true, Set.of("pod_crash", "high_memory"), 0.7));
    }

    @Override
    Change change(KubernetesClient client, Deployments.Found found, Target target, ActionContext context) throws NotApplicable, Refused {
        Limits limits = target.limits();
        String text = context.parameters().getOrDefault("factor", "1.5");
        double factor;
        try {
            factor = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            factor = Double.NaN;
        }
        if (!(factor > 1.0 && factor <= limits.maxMemoryFactor())) {
            throw new Refused("parameter factor must be a number above 1 and at most maxMemoryFactor (" + limits.maxMemoryFactor() + "), was '" + text + "'");
        }
        String name = container(client, found.deployment(), target, context);
        Container container = containers(found.deployment()).stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new NotApplicable(found.describe() + " has no container " + name + "; nothing was changed"));
        Quantity limit = container.getResources() == null || container.getResources().getLimits() == null ? null
                : container.getResources().getLimits().get("memory");
        if (limit == null) {
            throw new NotApplicable("container " + name + " of " + found.describe() + " has no memory limit: an OOM kill came from the node's memory, "
                    + "which a higher limit would not help");
        }
        BigDecimal before = Quantity.getAmountInBytes(limit);
        if (before.compareTo(limits.memoryCeilingBytes()) >= 0) {
            throw new Refused("the memory limit of container " + name + " is " + limit + ", at or above the ceiling of " + limits.memoryCeiling()
                    + " (memoryCeiling); not raised");
        }
        BigDecimal wanted = before.multiply(BigDecimal.valueOf(factor)).divide(MIB, 0, RoundingMode.CEILING);
        boolean capped = wanted.multiply(MIB).compareTo(limits.memoryCeilingBytes()) >= 0;
        Quantity after = capped ? Quantity.parse(limits.memoryCeiling()) : new Quantity(wanted.toPlainString(), "Mi");
        String beforeText = limit.toString();
        return new Change("raised the memory limit of container " + name + " from " + beforeText + " to " + after + (capped ? ", held at the ceiling" : ""),
                Map.of("container", name, "limitBefore", beforeText, "limitAfter", after.toString(), "memoryCeiling", limits.memoryCeiling()),
                deployment -> containers(deployment).stream().filter(c -> c.getName().equals(name)).forEach(c -> {
                    Map<String, Quantity> raised = new HashMap<>(c.getResources().getLimits());
                    raised.put("memory", after);
                    c.getResources().setLimits(raised);
                }));
    }

    /** The parameter's container, the pod's OOM-killed one, or the only one. */
    private static String container(KubernetesClient client, Deployment deployment, Target target, ActionContext context) throws NotApplicable {
        String named = context.parameters().get("container");
        if (named != null) {
            return named;
        }
        if (target.pod().isPresent()) {
            Pod pod = client.pods().inNamespace(target.namespace()).withName(target.pod().get()).get();
            List<ContainerStatus> statuses = pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? List.of()
                    : pod.getStatus().getContainerStatuses();
            for (ContainerStatus status : statuses) {
                if (PodStates.oomKilled(status)) {
                    return status.getName();
                }
            }
        }
        List<Container> containers = containers(deployment);
        if (containers.size() == 1) {
            return containers.get(0).getName();
        }
        throw new NotApplicable("the pods of deployment " + deployment.getMetadata().getName() + " have several containers ("
                + String.join(", ", containers.stream().map(Container::getName).toList()) + ") and none is known to have been OOMKilled: "
                + "name one with the parameter container");
    }

    private static List<Container> containers(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers();
    }
}
