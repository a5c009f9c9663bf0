package io.homeostat.plugins.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.homeostat.plugin.api.Collector;
import io.homeostat.plugin.api.CollectorContext;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.Reading;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.pf4j.Extension;

/**
 * {@code kubernetes.pods}: the pods of one namespace (optionally a label selector), each as the resource
 * {@code pod:NAMESPACE/NAME}, with the readings the shipped {@code pod_crash} rules read:
 * <ul>
 *   <li>{@code pod.ready} 1 or 0 (the Ready condition; label {@code phase});</li>
 *   <li>{@code pod.restarts}, the sum of its containers' restart counts;</li>
 *   <li>{@code pod.waiting} 1 per container waiting with a reason (CrashLoopBackOff, ImagePullBackOff, ...; labels
 *       {@code reason}, {@code container});</li>
 *   <li>{@code pod.terminated} 1 per container termination (OOMKilled, Error, ...; labels {@code reason},
 *       {@code container}, {@code exitCode}), each termination reported once: kubelet keeps the last one in the
 *       container's status until the next, and reporting it at every collection would reopen an issue that a
 *       fix had cleared. After a restart of the service, terminations older than {@code recentSeconds} (600) are
 *       not reported again.</li>
 * </ul>
 * and {@code kubernetes.pods} (how many pods the selection holds) of the target's resource. Completed
 * pods (phase Succeeded) are left out.
 */
@Extension
public class PodCollector implements Collector {
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /** Per target and container (pod uid + name): the finish time of the termination last reported. */
    private final Map<String, Instant> reported = new ConcurrentHashMap<>();

    @Override
    public String id() {
        return "kubernetes.pods";
    }

    @Override
    public String description() {
        return "pods of a namespace: pod.ready, pod.restarts, pod.waiting and pod.terminated with their reasons "
                + "(settings: namespace, selector, recentSeconds, cluster)";
    }

    @Override
    public List<String> validate(PluginSettings target) {
        List<String> problems = new ArrayList<>(Cluster.validate(target));
        Optional<String> namespace = target.string("namespace");
        if (namespace.isEmpty() || !NAMESPACE.matcher(namespace.get()).matches()) {
            problems.add(target.path() + ".namespace must name a Kubernetes namespace, was " + namespace.map(n -> "'" + n + "'").orElse("missing"));
        }
        try {
            target.integer("recentSeconds", 600, 1, 86_400);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    @Override
    public List<Reading> collect(CollectorContext context) throws Exception {
        PluginSettings settings = context.settings();
        String namespace = settings.requiredString("namespace");
        Duration recent = Duration.ofSeconds(settings.integer("recentSeconds", 600, 1, 86_400));
        Cluster cluster = Cluster.of(settings);
        List<Pod> pods;
        try (KubernetesClient client = cluster.connect(context.remaining())) {
            var inNamespace = client.pods().inNamespace(namespace);
            Optional<String> selector = settings.string("selector");
            pods = (selector.isPresent() ? inNamespace.withLabelSelector(selector.get()) : inNamespace).list().getItems();
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("Kubernetes API at " + cluster.describe() + ": " + Cluster.reason(e));
        }
        Instant now = Instant.now();
        List<Reading> readings = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int counted = 0;
        for (Pod pod : pods) {
            if ("Succeeded".equals(pod.getStatus() == null ? null : pod.getStatus().getPhase())) {
                continue;
            }
            counted++;
            String resource = "pod:" + namespace + "/" + pod.getMetadata().getName();
            String phase = pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Unknown" : pod.getStatus().getPhase();
            readings.add(Reading.of("pod.ready", ready(pod) ? 1 : 0).about(resource).labelled(Map.of("phase", phase)));
            List<ContainerStatus> statuses = pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? List.of()
                    : pod.getStatus().getContainerStatuses();
            readings.add(Reading.of("pod.restarts", statuses.stream().mapToLong(s -> s.getRestartCount() == null ? 0 : s.getRestartCount()).sum())
                    .about(resource));
            for (ContainerStatus status : statuses) {
                if (status.getState() != null && status.getState().getWaiting() != null && status.getState().getWaiting().getReason() != null) {
                    readings.add(Reading.of("pod.waiting", 1).about(resource)
                            .labelled(Map.of("reason", status.getState().getWaiting().getReason(), "container", status.getName())));
                }
                String key = context.resource() + "|" + pod.getMetadata().getUid() + "|" + status.getName();
                seen.add(key);
                PodStates.termination(status).ifPresent(terminated -> {
                    Instant finished = finishedAt(terminated, now);
                    Instant last = reported.get(key);
                    boolean fresh = last == null ? finished.isAfter(now.minus(recent)) : finished.isAfter(last);
                    if (fresh) {
                        reported.put(key, finished);
                        readings.add(Reading.of("pod.terminated", 1).about(resource).labelled(Map.of(
                                "reason", terminated.getReason() == null ? "Unknown" : terminated.getReason(),
                                "container", status.getName(),
                                "exitCode", String.valueOf(terminated.getExitCode()))));
                    } else if (last == null) {
                        reported.put(key, finished);
                    }
                });
            }
        }
        // Forget containers this target no longer has, so the map stays as large as the fleet.
        String prefix = context.resource() + "|";
        reported.keySet().removeIf(key -> key.startsWith(prefix) && !seen.contains(key));
        readings.add(Reading.of("kubernetes.pods", counted));
        return readings;
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** A termination without a time (a status written by hand, a very old kubelet) counts as now: it is reported once. */
    private static Instant finishedAt(ContainerStateTerminated terminated, Instant now) {
        try {
            return terminated.getFinishedAt() == null ? now : Instant.parse(terminated.getFinishedAt());
        } catch (DateTimeParseException e) {
            return now;
        }
    }
}
