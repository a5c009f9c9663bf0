package io.homeostat.plugins.kubernetes;

import java.util.Map;
import java.util.Optional;

/**
 * What an action may touch for one resource: a namespace, the pod the resource names (for
 * {@code pod:NAMESPACE/NAME}), the deployment it names or that config names for it (for a pod, found
 * at call time through its owners), the deployments config names for the {@code target} parameter
 * ({@code targets}), and the limits that apply.
 */
record Target(String resource, String namespace, Optional<String> pod, Optional<String> deployment, Map<String, String> scaleTargets,
              Limits limits) {

    String describe() {
        return pod.map(name -> "pod " + namespace + "/" + name).orElseGet(() -> "deployment " + namespace + "/" + deployment.orElse("?"));
    }
}
