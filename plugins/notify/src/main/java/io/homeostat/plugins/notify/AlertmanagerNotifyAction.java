package io.homeostat.plugins.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.RiskLevel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
public class AlertmanagerNotifyAction extends ChannelAction {
    static final String ID = "notify.alertmanager";
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    public AlertmanagerNotifyAction() {
        super("alertmanager", "Alertmanager");
    }

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
    void check(PluginSettings settings, List<String> problems) {
        lasts(settings);
        if (settings.string("alertname").orElse("HomeostatEscalation").isBlank()) {
            problems.add(settings.path() + ".alertname must not be empty");
        }
        for (String label : settings.stringMap("labels").keySet()) {
            if (!LABEL.matcher(label).matches()) {
                problems.add(settings.path() + ".labels." + label + " is not a valid Alertmanager label name ([a-zA-Z_][a-zA-Z0-9_]*)");
            }
        }
    }

    @Override
    String target(String url) {
        return (url.endsWith("/") ? url.substring(0, url.length() - 1) : url) + "/api/v2/alerts";
    }

    @Override
    String body(Escalation escalation, PluginSettings settings) {
        return alerts(escalation, settings, Instant.now(), lasts(settings)).toString();
    }

    private static Duration lasts(PluginSettings settings) {
        return Duration.ofMinutes(settings.integer("endsAfterMinutes", 60, 1, 60 * 24 * 7));
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
