package io.homeostat.plugins.http;

import io.homeostat.plugin.api.PluginSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** One configured HTTP call, from {@code plugins.settings.http.endpoints.<name>}. */
record Endpoint(
        String name,
        String method,
        String url,
        Map<String, String> headers,
        Optional<String> body,
        Duration timeout,
        int maxAttempts,
        Duration backoff,
        Optional<Endpoint> snapshot,
        Optional<Endpoint> rollback) {

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

    /**
     * Chooses the endpoint: the proposal's "endpoint" parameter names one, otherwise the settings
     * map the resource to one. Rules may only pick among configured names.
     */
    static Optional<Endpoint> choose(PluginSettings settings, String resource, Map<String, String> parameters) {
        PluginSettings endpoints = settings.section("endpoints");
        String name = parameters.get("endpoint");
        if (name == null) {
            name = settings.section("resources").string(resource).orElse(null);
        }
        if (name == null || !endpoints.has(name)) {
            return Optional.empty();
        }
        return Optional.of(parse(name, endpoints.section(name), true));
    }

    /** Every problem of the configured endpoints and of the resources' references to them. */
    static List<String> problems(PluginSettings settings) {
        List<String> problems = new ArrayList<>();
        PluginSettings endpoints = settings.section("endpoints");
        for (String name : endpoints.keys()) {
            try {
                parse(name, endpoints.section(name), true);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        PluginSettings resources = settings.section("resources");
        for (String resource : resources.keys()) {
            String name = resources.string(resource).orElse("");
            if (!endpoints.has(name)) {
                problems.add(resources.path() + "." + resource + " names endpoint '" + name + "', which " + endpoints.path()
                        + " does not define");
            }
        }
        return problems;
    }

    /**
     * One endpoint's settings; a top-level endpoint may carry a {@code snapshot} call (its answer
     * body is the snapshot) and a {@code rollback} call (whose body may use {{snapshot}}).
     */
    private static Endpoint parse(String name, PluginSettings entry, boolean topLevel) {
        String url = entry.requiredString("url");
        if (!(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new IllegalArgumentException(entry.path() + ".url must be an http:// or https:// URL, was '" + url + "'");
        }
        String method = entry.string("method").orElse("POST").toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException(entry.path() + ".method must be one of " + METHODS + ", was '" + method + "'");
        }
        Optional<Endpoint> snapshot = Optional.empty();
        Optional<Endpoint> rollback = Optional.empty();
        if (topLevel) {
            snapshot = entry.has("snapshot") ? Optional.of(parse(name + ".snapshot", entry.section("snapshot"), false)) : Optional.empty();
            rollback = entry.has("rollback") ? Optional.of(parse(name + ".rollback", entry.section("rollback"), false)) : Optional.empty();
            if (snapshot.isPresent() != rollback.isPresent()) {
                throw new IllegalArgumentException(entry.path() + " must define both snapshot and rollback, or neither");
            }
        }
        return new Endpoint(
                name,
                method,
                url,
                entry.stringMap("headers"),
                entry.string("body"),
                entry.seconds("timeoutSeconds", Duration.ofSeconds(10)),
                entry.integer("maxAttempts", 3, 1, 10),
                entry.seconds("backoffSeconds", Duration.ofMillis(500)),
                snapshot,
                rollback);
    }
}
