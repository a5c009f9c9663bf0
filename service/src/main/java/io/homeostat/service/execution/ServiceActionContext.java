package io.homeostat.service.execution;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionLogger;
import io.homeostat.plugin.api.IssueReference;
import io.homeostat.plugin.api.PluginSettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The context the service hands a plugin: what to act on, its settings, its deadline and a logger. */
final class ServiceActionContext implements ActionContext {
    private static final Logger LOG = LoggerFactory.getLogger("io.homeostat.plugin");
    private static final int MAX_LINES = 50;

    private final String remediationId;
    private final String resource;
    private final IssueReference issue;
    private final Map<String, String> parameters;
    private final PluginSettings settings;
    private final Instant deadline;
    private final java.util.function.BooleanSupplier mayAct;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final ActionLogger logger = new ActionLogger() {
        @Override
        public void info(String message) {
            LOG.info("[{} {}] {}", remediationId, resource, message);
            keep("INFO " + message);
        }

        @Override
        public void warn(String message) {
            LOG.warn("[{} {}] {}", remediationId, resource, message);
            keep("WARN " + message);
        }
    };

    ServiceActionContext(String remediationId, String resource, IssueReference issue, Map<String, String> parameters,
                         PluginSettings settings, Instant deadline, java.util.function.BooleanSupplier mayAct) {
        this.remediationId = remediationId;
        this.resource = resource;
        this.issue = issue;
        this.parameters = Map.copyOf(parameters);
        this.settings = settings;
        this.deadline = deadline;
        this.mayAct = mayAct;
    }

    private void keep(String line) {
        if (lines.size() < MAX_LINES) {
            lines.add(line);
        }
    }

    List<String> loggedLines() {
        return List.copyOf(lines);
    }

    @Override
    public String remediationId() {
        return remediationId;
    }

    @Override
    public String resource() {
        return resource;
    }

    @Override
    public IssueReference issue() {
        return issue;
    }

    @Override
    public Map<String, String> parameters() {
        return parameters;
    }

    @Override
    public PluginSettings settings() {
        return settings;
    }

    @Override
    public Instant deadline() {
        return deadline;
    }

    @Override
    public ActionLogger logger() {
        return logger;
    }

    @Override
    public boolean mayAct() {
        return mayAct.getAsBoolean();
    }
}
