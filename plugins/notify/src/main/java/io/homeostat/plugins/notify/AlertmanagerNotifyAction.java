package io.homeostat.plugins.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.RemediationAction;
import io.homeostat.plugin.api.RiskLevel;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.pf4j.Extension;

/**
 * {@code notify.alertmanager}: raises an escalation as an alert in Alertmanager
 * ({@code POST <url>/api/v2/alerts}), so that it reaches people through the team's existing routes,
 * silences and inhibitions. Labels: {@code alertname} (default {@code HomeostatEscalation}),
 * {@code issue_type}, {@code resource}, {@code tenant}, {@code severity}, {@code issue_id},
 * {@code homeostat_escalation="true"} and the configured static {@code labels}; annotations: the
 * summary, why, and the history. Sending it again is harmless: Alertmanager merges alerts with the
 * same labels. It ends after {@code endsAfterMinutes} (60) unless sent again.
 */
@Extension
public class AlertmanagerNotifyAction implements RemediationAction {
    static final String ID = "notify.alertmanager";
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public ActionMetadata metadata() {
        return new ActionMetadata("Raise an escalation as an Alertmanager alert (POST /api/v2/alerts), into the team's routing",
                RiskLevel.LOW, 0.0, false, Set.of(), 0.95);
    }

    @Override
    public List<String> validate(PluginSettings settings) {
        List<String> problems = new ArrayList<>();
        if (!settings.has("alertmanager")) {
            return problems;
        }
        PluginSettings alertmanager = settings.section("alertmanager");
        try {
            String problem = Delivery.checkUrl(alertmanager, "url");
            if (problem != null) {
                problems.add(problem);
            }
            alertmanager.integer("endsAfterMinutes", 60, 1, 60 * 24 * 7);
            String name = alertmanager.string("alertname").orElse("HomeostatEscalation");
            if (name.isBlank()) {
                problems.add(alertmanager.path() + ".alertname must not be empty");
            }
            for (String label : alertmanager.stringMap("labels").keySet()) {
                if (!LABEL.matcher(label).matches()) {
                    problems.add(alertmanager.path() + ".labels." + label + " is not a valid Alertmanager label name ([a-zA-Z_][a-zA-Z0-9_]*)");
                }
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        Delivery.checkOptions(alertmanager, problems);
        return problems;
    }

    @Override
    public ActionResult execute(ActionContext context) throws Exception {
        if (!context.settings().has("alertmanager")) {
            return ActionResult.notApplicable(context.settings().path() + ".alertmanager is not configured; nothing was sent", Map.of());
        }
        PluginSettings alertmanager = context.settings().section("alertmanager");
        String payload = context.parameters().get("payload");
        if (payload == null) {
            return ActionResult.failure("no payload to deliver", Map.of());
        }
        Escalation escalation;
        try {
            escalation = Escalation.parse(payload);
        } catch (IOException e) {
            return ActionResult.failure("the escalation payload is not JSON: " + Escalation.why(e), Map.of());
        }
        String base = alertmanager.requiredString("url");
        String url = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v2/alerts";
        Instant now = Instant.now();
        Duration lasts = Duration.ofMinutes(alertmanager.integer("endsAfterMinutes", 60, 1, 60 * 24 * 7));
        return Delivery.post(context, alertmanager, url, alerts(escalation, alertmanager, now, lasts).toString(), "Alertmanager");
    }

    static ArrayNode alerts(Escalation escalation, PluginSettings settings, Instant now, Duration lasts) {
        ArrayNode alerts = Escalation.JSON.createArrayNode();
        ObjectNode alert = alerts.addObject();
        ObjectNode labels = alert.putObject("labels");
        settings.stringMap("labels").forEach(labels::put);
        labels.put("alertname", settings.string("alertname").orElse("HomeostatEscalation"));
        labels.put("issue_type", escalation.issueType());
        labels.put("resource", escalation.resource());
        labels.put("tenant", escalation.tenant());
        labels.put("severity", escalation.severity());
        labels.put("issue_id", escalation.issueId());
        // Lets a route keep Homeostat's own escalations away from Homeostat's Alertmanager receiver.
        labels.put("homeostat_escalation", "true");
        ObjectNode annotations = alert.putObject("annotations");
        annotations.put("summary", "Homeostat could not fix " + escalation.title());
        annotations.put("description", escalation.reason() + (escalation.summary().isEmpty() ? "" : "\nEvidence: " + escalation.summary()));
        annotations.put("history", String.join("\n", escalation.history()));
        alert.put("startsAt", now.toString());
        alert.put("endsAt", now.plus(lasts).toString());
        settings.string("generatorURL").ifPresent(link -> alert.put("generatorURL", link));
        return alerts;
    }
}
