package io.homeostat.plugins.notify;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.RemediationAction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A notify channel with its own section of the plugin's settings ({@code slack}, {@code alertmanager}):
 * optional (not configured: not applicable), validated when the jar loads, and one JSON POST of the
 * escalation payload in the channel's own shape.
 */
abstract class ChannelAction implements RemediationAction {
    private final String section;
    private final String what;

    ChannelAction(String section, String what) {
        this.section = section;
        this.what = what;
    }

    /** The channel's own checks beyond its URL and the common options. */
    abstract void check(PluginSettings settings, List<String> problems);

    /** The URL to post to, from the channel's {@code url}. */
    abstract String target(String url);

    /** The body to post. */
    abstract String body(Escalation escalation, PluginSettings settings);

    @Override
    public List<String> validate(PluginSettings settings) {
        List<String> problems = new ArrayList<>();
        if (!settings.has(section)) {
            return problems;
        }
        PluginSettings channel = settings.section(section);
        try {
            String problem = Delivery.checkUrl(channel, "url");
            if (problem != null) {
                problems.add(problem);
            }
            check(channel, problems);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        Delivery.checkOptions(channel, problems);
        return problems;
    }

    @Override
    public ActionResult execute(ActionContext context) throws Exception {
        if (!context.settings().has(section)) {
            return ActionResult.notApplicable(context.settings().path() + "." + section + " is not configured; nothing was sent", Map.of());
        }
        PluginSettings channel = context.settings().section(section);
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
        return Delivery.post(context, channel, target(channel.requiredString("url")), body(escalation, channel), what);
    }
}
