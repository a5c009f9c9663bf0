package io.homeostat.plugins.http;

import io.homeostat.plugin.api.PluginSettings;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** One configured HTTP call, from {@code plugins.settings.http.endpoints.<name>}. */
record Endpoint(
        String name,
        String method,
        String url,
        Map<String, String> headers,
        Optional<String> body,
        Duration timeout,
        int maxAttempts,
        Duration backoff) {

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

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
        PluginSettings entry = endpoints.section(name);
        String url = entry.requiredString("url");
        if (!(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new IllegalArgumentException(entry.path() + ".url must be an http:// or https:// URL, was '" + url + "'");
        }
        String method = entry.string("method").orElse("POST").toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException(entry.path() + ".method must be one of " + METHODS + ", was '" + method + "'");
        }
        return Optional.of(new Endpoint(
                name,
                method,
                url,
                entry.stringMap("headers"),
                entry.string("body"),
                entry.seconds("timeoutSeconds", Duration.ofSeconds(10)),
                entry.integer("maxAttempts", 3, 1, 10),
                entry.seconds("backoffSeconds", Duration.ofMillis(500))));
    }
}
