package io.homeostat.plugins.notify;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.RemediationAction;
import io.homeostat.plugin.api.RiskLevel;
import java.util.List;
import java.util.ArrayList;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * {@code notify.webhook}: posts an escalation to a configured webhook (a chat or paging system's
 * incoming hook, or a relay). The service builds the JSON payload (issue, decisions, attempts) and
 * passes it as the {@code payload} parameter; this action only delivers it. The URL and headers
 * come from {@code plugins.settings.notify}; header values may name environment variables as
 * {@code ${env:NAME}}, read at call time so that secrets never sit in config.yml.
 */
@Extension
public class WebhookNotifyAction implements RemediationAction {
    static final String ID = "notify.webhook";

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @Override
    public String id() {
        return ID;
    }

    /** Where escalations go must be known before the first one needs to go there. */
    @Override
    public List<String> validate(PluginSettings settings) {
        List<String> problems = new ArrayList<>();
        if (!settings.has("url") && (settings.has("slack") || settings.has("alertmanager"))) {
            // Escalations go to Slack or Alertmanager only: the generic webhook is simply not used.
            return problems;
        }
        try {
            String url = settings.requiredString("url");
            if (!(url.startsWith("http://") || url.startsWith("https://"))) {
                problems.add(settings.path() + ".url must be an http:// or https:// URL, was '" + url + "'");
            } else {
                URI.create(url);
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        try {
            settings.seconds("timeoutSeconds", Duration.ofSeconds(10));
            settings.stringMap("headers");
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    @Override
    public ActionMetadata metadata() {
        // Notifying changes nothing on the resource: no risk, no cost.
        return new ActionMetadata("Post an escalation as JSON to a configured webhook", RiskLevel.LOW, 0.0, false, Set.of(), 0.95);
    }

    @Override
    public ActionResult execute(ActionContext context) throws Exception {
        if (!context.settings().has("url")) {
            return ActionResult.notApplicable(context.settings().path() + ".url is not configured; nothing was sent", Map.of());
        }
        String url = context.settings().requiredString("url");
        if (!(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new IllegalArgumentException(context.settings().path() + ".url must be an http:// or https:// URL, was '" + url + "'");
        }
        String payload = context.parameters().get("payload");
        if (payload == null) {
            return ActionResult.failure("no payload to deliver", Map.of());
        }
        Duration timeout = context.settings().seconds("timeoutSeconds", Duration.ofSeconds(10));
        if (timeout.compareTo(context.remaining()) > 0) {
            timeout = context.remaining().isZero() ? Duration.ofMillis(1) : context.remaining();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", context.remediationId())
                .header("User-Agent", "homeostat-notify-plugin")
                .POST(HttpRequest.BodyPublishers.ofString(payload));
        context.settings().stringMap("headers").forEach((name, value) -> request.header(name, PluginSettings.withEnvironment(value)));
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> details = Map.of("status", Integer.toString(response.statusCode()));
            if (response.statusCode() >= 200 && response.statusCode() < 300) {
                return ActionResult.success("webhook answered " + response.statusCode(), details);
            }
            String message = "webhook answered " + response.statusCode();
            return response.statusCode() >= 500 ? ActionResult.transientFailure(message, details) : ActionResult.failure(message, details);
        } catch (IOException e) {
            return ActionResult.transientFailure("webhook could not be reached: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getClass().getSimpleName() + ": " + e.getMessage()), Map.of());
        }
    }
}
