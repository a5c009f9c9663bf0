package io.homeostat.plugin.api.testing;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionLogger;
import io.homeostat.plugin.api.IssueReference;
import io.homeostat.plugin.api.PluginSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A hand-written {@link ActionContext} for plugin unit tests; it records what the action logged. */
public final class TestActionContext implements ActionContext {
    private final String resource;
    private final Map<String, String> parameters;
    private final PluginSettings settings;
    private final Instant deadline;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private volatile boolean mayAct = true;

    public TestActionContext(String resource, Map<String, String> parameters, PluginSettings settings, Duration timeout) {
        this.resource = resource;
        this.parameters = Map.copyOf(parameters);
        this.settings = settings;
        this.deadline = Instant.now().plus(timeout);
    }

    /** From now on {@link #mayAct()} answers false: the replica lost the resource's lease. */
    public TestActionContext leaseLost() {
        mayAct = false;
        return this;
    }

    @Override
    public boolean mayAct() {
        return mayAct;
    }

    @Override
    public String remediationId() {
        return "rem-test-1";
    }

    @Override
    public String resource() {
        return resource;
    }

    @Override
    public IssueReference issue() {
        return new IssueReference("issue-test-1", "service_down", "high", "default");
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
        return new ActionLogger() {
            @Override
            public void info(String message) {
                lines.add("INFO " + message);
            }

            @Override
            public void warn(String message) {
                lines.add("WARN " + message);
            }
        };
    }

    public List<String> loggedLines() {
        return List.copyOf(lines);
    }
}
