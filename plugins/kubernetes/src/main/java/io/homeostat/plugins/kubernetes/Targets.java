package io.homeostat.plugins.kubernetes;

import io.homeostat.plugin.api.PluginSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Resolves a resource to the objects an action may touch, from the plugin's settings only. A signal
 * names a resource; it never chooses a namespace outside {@code namespaces} or an object config does
 * not allow:
 * <ul>
 *   <li>{@code pod:NAMESPACE/NAME} and {@code deployment:NAMESPACE/NAME}, when NAMESPACE is listed under
 *       {@code namespaces};</li>
 *   <li>any other resource through its entry under {@code resources} ({@code namespace}, {@code deployment},
 *       {@code targets}, and its own limits).</li>
 * </ul>
 * Names must be Kubernetes names (lower-case DNS labels): anything else is refused before a request is made.
 */
final class Targets {
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    private Targets() {
    }

    static List<String> validate(PluginSettings settings) {
        List<String> problems = new ArrayList<>();
        try {
            Limits limits = Limits.read(settings.section("limits"), Limits.DEFAULTS);
            for (String namespace : settings.stringList("namespaces")) {
                if (!NAMESPACE.matcher(namespace).matches()) {
                    problems.add(settings.path() + ".namespaces: '" + namespace + "' is not a Kubernetes namespace name");
                }
            }
            PluginSettings resources = settings.section("resources");
            for (String resource : resources.keys()) {
                try {
                    configured(resources.section(resource), resource, limits);
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    static Target resolve(PluginSettings settings, String resource) throws NotApplicable {
        Limits limits = Limits.read(settings.section("limits"), Limits.DEFAULTS);
        PluginSettings resources = settings.section("resources");
        if (resources.has(resource)) {
            return configured(resources.section(resource), resource, limits);
        }
        int colon = resource.indexOf(':');
        String kind = colon < 0 ? "" : resource.substring(0, colon);
        if (!kind.equals("pod") && !kind.equals("deployment")) {
            throw new NotApplicable("resource " + resource + " is neither pod:NAMESPACE/NAME nor deployment:NAMESPACE/NAME and is not under "
                    + resources.path() + "; nothing was changed");
        }
        String[] parts = resource.substring(colon + 1).split("/", -1);
        if (parts.length != 2 || !NAMESPACE.matcher(parts[0]).matches() || !NAME.matcher(parts[1]).matches()) {
            throw new NotApplicable("resource " + resource + " does not name a Kubernetes object as " + kind + ":NAMESPACE/NAME; nothing was changed");
        }
        Set<String> allowed = new HashSet<>(settings.stringList("namespaces"));
        if (!allowed.contains(parts[0])) {
            throw new NotApplicable("namespace " + parts[0] + " is not under " + settings.path() + ".namespaces; nothing was changed");
        }
        return kind.equals("pod")
                ? new Target(resource, parts[0], Optional.of(parts[1]), Optional.empty(), Map.of(), limits)
                : new Target(resource, parts[0], Optional.empty(), Optional.of(parts[1]), Map.of(), limits);
    }

    private static Target configured(PluginSettings section, String resource, Limits defaults) {
        String namespace = section.requiredString("namespace");
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException(section.path() + ".namespace: '" + namespace + "' is not a Kubernetes namespace name");
        }
        String deployment = section.requiredString("deployment");
        Map<String, String> targets = section.stringMap("targets");
        for (String name : concat(deployment, targets.values())) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(section.path() + ": '" + name + "' is not a Kubernetes object name");
            }
        }
        return new Target(resource, namespace, Optional.empty(), Optional.of(deployment), targets, Limits.read(section, defaults));
    }

    private static List<String> concat(String first, java.util.Collection<String> rest) {
        List<String> all = new ArrayList<>(rest);
        all.add(first);
        return all;
    }
}
