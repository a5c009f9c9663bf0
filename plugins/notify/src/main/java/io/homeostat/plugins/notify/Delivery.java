package io.homeostat.plugins.notify;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One JSON POST to a configured URL, under the call's deadline, with the answer mapped to a result (5xx and no answer: retry). */
final class Delivery {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private Delivery() {
    }

    /** A problem with the URL at {@code section.key}, or null; {@code ${env:NAME}} parts are checked for shape only. */
    static String checkUrl(PluginSettings section, String key) {
        String url = section.requiredString(key);
        if (!(url.startsWith("http://") || url.startsWith("https://"))) {
            return section.path() + "." + key + " must be an http:// or https:// URL, was '" + (url.contains("${env:") ? url : redact(url)) + "'";
        }
        return null;
    }

    static void checkOptions(PluginSettings section, List<String> problems) {
        try {
            section.seconds("timeoutSeconds", Duration.ofSeconds(10));
            section.stringMap("headers");
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
    }

    static ActionResult post(ActionContext context, PluginSettings section, String url, String json, String what) throws InterruptedException {
        Duration timeout = section.seconds("timeoutSeconds", Duration.ofSeconds(10));
        if (timeout.compareTo(context.remaining()) > 0) {
            timeout = context.remaining().isZero() ? Duration.ofMillis(1) : context.remaining();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(PluginSettings.withEnvironment(url)))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", context.remediationId())
                .header("User-Agent", "homeostat-notify-plugin")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        section.stringMap("headers").forEach((name, value) -> request.header(name, PluginSettings.withEnvironment(value)));
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> details = Map.of("status", Integer.toString(response.statusCode()));
            String message = what + " answered " + response.statusCode();
            if (response.statusCode() >= 200 && response.statusCode() < 300) {
                return ActionResult.success(message, details);
            }
            String body = response.body() == null ? "" : response.body().strip();
            message += body.isEmpty() ? "" : ": " + (body.length() > 200 ? body.substring(0, 200) + "…" : body);
            return response.statusCode() >= 500 || response.statusCode() == 429 ? ActionResult.transientFailure(message, details)
                    : ActionResult.failure(message, details);
        } catch (IOException e) {
            return ActionResult.transientFailure(what + " could not be reached: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getClass().getSimpleName() + ": " + e.getMessage()), Map.of());
        }
    }

    /** A webhook URL is a secret (Slack's carries its token in the path): only its scheme and host are ever shown. */
    static String redact(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + "/…";
        } catch (IllegalArgumentException e) {
            return "(not a URL)";
        }
    }
}
