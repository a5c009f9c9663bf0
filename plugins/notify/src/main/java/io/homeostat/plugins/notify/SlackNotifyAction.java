package io.homeostat.plugins.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.RiskLevel;
import java.util.List;
import java.util.Set;
import org.pf4j.Extension;

/**
 * {@code notify.slack}: posts an escalation to a Slack-compatible incoming webhook
 * ({@code plugins.settings.notify.slack.url}; Mattermost and Rocket.Chat accept the same) as Block Kit
 * blocks: a header with the issue, fields for resource, tenant, severity and issue id, why it was
 * escalated, and the issue's history (decisions and attempts, the last ten), with a plain-text fallback.
 */
@Extension
public class SlackNotifyAction extends ChannelAction {
    static final String ID = "notify.slack";

    public SlackNotifyAction() {
        super("slack", "Slack webhook");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public ActionMetadata metadata() {
        return new ActionMetadata("Post an escalation to a Slack-compatible incoming webhook, with the issue's history",
                RiskLevel.LOW, 0.0, false, Set.of(), 0.95);
    }

    @Override
    void check(PluginSettings settings, List<String> problems) {
        // A URL and the common options are all a Slack webhook takes.
    }

    @Override
    String target(String url) {
        return url;
    }

    @Override
    String body(Escalation escalation, PluginSettings settings) {
        return message(escalation).toString();
    }

    static ObjectNode message(Escalation escalation) {
        ObjectNode message = Escalation.JSON.createObjectNode();
        message.put("text", "Homeostat escalation: " + escalation.title() + ": " + escalation.reason());
        ArrayNode blocks = message.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", limit("Escalation: " + escalation.title(), 150));
        ObjectNode facts = blocks.addObject().put("type", "section");
        ArrayNode fields = facts.putArray("fields");
        field(fields, "Resource", escalation.resource());
        field(fields, "Tenant", escalation.tenant());
        field(fields, "Severity", escalation.severity());
        field(fields, "Issue", escalation.issueId());
        if (!escalation.rootCause().isEmpty()) {
            field(fields, "Root cause", escalation.rootCause());
        }
        ObjectNode why = blocks.addObject().put("type", "section");
        why.putObject("text").put("type", "mrkdwn").put("text", limit("*Why*: " + escape(escalation.reason())
                + (escalation.summary().isEmpty() ? "" : "\n*Evidence*: " + escape(escalation.summary())), 3000));
        if (!escalation.history().isEmpty()) {
            ObjectNode history = blocks.addObject().put("type", "context");
            history.putArray("elements").addObject().put("type", "mrkdwn")
                    .put("text", limit(escape(String.join("\n", escalation.history())), 3000));
        }
        return message;
    }

    private static void field(ArrayNode fields, String name, String value) {
        fields.addObject().put("type", "mrkdwn").put("text", limit("*" + name + "*\n" + (value.isEmpty() ? "—" : escape(value)), 2000));
    }

    /** Slack's mrkdwn reads &, < and > as markup: escaped, so that a resource name cannot turn into a link or a mention. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String limit(String text, int most) {
        return text.length() <= most ? text : text.substring(0, most - 1) + "…";
    }
}
