package io.homeostat.plugins.http;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.RemediationAction;
import io.homeostat.plugin.api.RiskLevel;
import java.util.List;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * {@code http.call}: calls a configured endpoint (a platform's restart, rollback or scale API).
 * Retries connection failures and 5xx answers with exponential backoff inside the deadline; a
 * 4xx answer is final. Sends the remediation id as {@code Idempotency-Key}, so that an API that
 * honours it never acts twice for one attempt. An endpoint that configures {@code snapshot} and
 * {@code rollback} calls is reversible: the snapshot call's answer is kept and handed to the
 * rollback call's body as {@code {{snapshot}}}.
 */
@Extension
public class HttpCallAction implements RemediationAction {
    static final String ID = "http.call";

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @Override
    public String id() {
        return ID;
    }

    /** Every endpoint parses, and every resource names one that exists. */
    @Override
    public List<String> validate(PluginSettings settings) {
        return Endpoint.problems(settings);
    }

    @Override
    public ActionMetadata metadata() {
        return new ActionMetadata(
                "Call a configured HTTP endpoint (restart, rollback or scale through a platform API)",
                RiskLevel.MEDIUM, 1.0, true, Set.of(), 0.6);
    }

    @Override
    public ActionResult execute(ActionContext context) throws Exception {
        Optional<Endpoint> chosen = Endpoint.choose(context.settings(), context.resource(), context.parameters());
        if (chosen.isEmpty()) {
            return ActionResult.notApplicable("no endpoint for " + context.resource() + ": set the proposal parameter 'endpoint' or "
                    + context.settings().path() + ".resources, and define it under " + context.settings().path() + ".endpoints", Map.of());
        }
        return call(chosen.get(), placeholderValues(context), context);
    }

    @Override
    public Optional<String> snapshot(ActionContext context) throws Exception {
        Optional<Endpoint> chosen = Endpoint.choose(context.settings(), context.resource(), context.parameters());
        if (chosen.isEmpty() || chosen.get().snapshot().isEmpty()) {
            return Optional.empty();
        }
        Endpoint snapshot = chosen.get().snapshot().get();
        HttpResponse<String> response = client.send(request(snapshot, placeholderValues(context), context),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() < 200 || response.statusCode() >= 300) {
            throw new IOException(snapshot.name() + " answered " + response.statusCode() + ": " + abbreviate(response.body()));
        }
        return Optional.of(response.body());
    }

    @Override
    public ActionResult rollback(ActionContext context, String snapshot) throws Exception {
        Optional<Endpoint> chosen = Endpoint.choose(context.settings(), context.resource(), context.parameters());
        if (chosen.isEmpty() || chosen.get().rollback().isEmpty()) {
            return ActionResult.failure("no rollback call is configured for " + context.resource(), Map.of());
        }
        Map<String, String> values = placeholderValues(context);
        values.put("snapshot", snapshot);
        return call(chosen.get().rollback().get(), values, context);
    }

    private ActionResult call(Endpoint endpoint, Map<String, String> values, ActionContext context) throws InterruptedException {
        HttpRequest request = request(endpoint, values, context);

        Map<String, String> details = new LinkedHashMap<>();
        details.put("endpoint", endpoint.name());
        String lastProblem = "not attempted";
        for (int attempt = 1; attempt <= endpoint.maxAttempts(); attempt++) {
            details.put("attempts", Integer.toString(attempt));
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                details.put("status", Integer.toString(response.statusCode()));
                if (response.statusCode() >= 200 && response.statusCode() < 300) {
                    return ActionResult.success(endpoint.method() + " " + endpoint.name() + " answered " + response.statusCode(), details);
                }
                if (response.statusCode() < 500) {
                    return ActionResult.failure(endpoint.name() + " refused the call with " + response.statusCode()
                            + ": " + abbreviate(response.body()), details);
                }
                lastProblem = "answered " + response.statusCode();
            } catch (IOException e) {
                lastProblem = "could not be reached: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            Duration pause = endpoint.backoff().multipliedBy(1L << (attempt - 1));
            if (attempt == endpoint.maxAttempts() || context.remaining().compareTo(pause) <= 0) {
                break;
            }
            context.logger().warn(endpoint.name() + " " + lastProblem + "; retrying in " + pause.toMillis() + " ms");
            Thread.sleep(pause.toMillis());
        }
        // Still failing after our own retries: transient, so the service may try again later.
        return ActionResult.transientFailure(endpoint.name() + " " + lastProblem, details);
    }

    private static HttpRequest request(Endpoint endpoint, Map<String, String> values, ActionContext context) {
        Duration timeout = endpoint.timeout().compareTo(context.remaining()) < 0 ? endpoint.timeout() : context.remaining();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(Templates.url(endpoint.url(), values)))
                .timeout(timeout.isZero() ? Duration.ofMillis(1) : timeout)
                .header("Idempotency-Key", context.remediationId())
                .header("User-Agent", "homeostat-http-plugin");
        endpoint.headers().forEach((name, value) -> builder.header(name, PluginSettings.withEnvironment(value)));
        HttpRequest.BodyPublisher body = endpoint.body()
                .map(template -> HttpRequest.BodyPublishers.ofString(Templates.body(template, values)))
                .orElse(HttpRequest.BodyPublishers.noBody());
        if (endpoint.body().isPresent() && !endpoint.headers().containsKey("Content-Type")) {
            builder.header("Content-Type", "application/json");
        }
        return builder.method(endpoint.method(), body).build();
    }

    private static Map<String, String> placeholderValues(ActionContext context) {
        Map<String, String> values = new LinkedHashMap<>();
        String resource = context.resource();
        int colon = resource.indexOf(':');
        values.put("resource", resource);
        values.put("resource.kind", colon > 0 ? resource.substring(0, colon) : resource);
        values.put("resource.name", colon > 0 ? resource.substring(colon + 1) : resource);
        values.put("issue.id", context.issue().id());
        values.put("issue.type", context.issue().type());
        values.put("issue.severity", context.issue().severity());
        values.put("tenant", context.issue().tenant());
        values.put("remediation.id", context.remediationId());
        context.parameters().forEach((key, value) -> values.put("param." + key, value));
        return values;
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
