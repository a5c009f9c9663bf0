package io.homeostat.service.execution;

import io.homeostat.service.cluster.Leases;
import io.homeostat.plugin.api.IssueReference;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.service.model.RemediationRecord;
import io.homeostat.service.plugins.LoadedAction;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One attempt of one remediation, from its snapshot to its outcome (or its reconciliation after a
 * crash, or its rollback): what every step needs — the stored attempt, the plugin that acts, the
 * issue, the decision's parameters, the plugin's settings and its time limit — and what the steps
 * gather on the way (the snapshot, the details to store), and the resource's lease that fences its
 * writes. Used by one supervisor thread at a time.
 */
final class Attempt {
    private final RemediationRecord record;
    private final LoadedAction loaded;
    private final IssueReference issue;
    private final Map<String, String> parameters;
    private final PluginSettings settings;
    private final Duration timeout;
    private final Instant started;
    private final Leases.Held lease;
    private final Map<String, String> details = new LinkedHashMap<>();
    private String snapshot;
    private ServiceActionContext lastContext;

    Attempt(RemediationRecord record, LoadedAction loaded, IssueReference issue, Map<String, String> parameters, PluginSettings settings,
            Duration timeout, Instant started, Leases.Held lease) {
        this.record = Objects.requireNonNull(record, "record");
        this.loaded = Objects.requireNonNull(loaded, "loaded");
        this.issue = Objects.requireNonNull(issue, "issue");
        this.parameters = Map.copyOf(parameters);
        this.settings = settings;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.started = Objects.requireNonNull(started, "started");
        this.lease = Objects.requireNonNull(lease, "lease");
    }

    /** A fresh context for one plugin call: its deadline is the time limit from now. */
    ServiceActionContext context() {
        lastContext = new ServiceActionContext(record.id(), record.resource(), issue, parameters, settings, Instant.now().plus(timeout),
                lease::confirm);
        return lastContext;
    }

    /** Keeps what the last call's context logged among the details to store. */
    void keepLog() {
        List<String> lines = lastContext == null ? List.of() : lastContext.loggedLines();
        if (!lines.isEmpty()) {
            details.put("log", String.join("\n", lines));
        }
    }

    /** The resource's lease this attempt holds: every write of it is fenced by its token. */
    Leases.Held lease() {
        return lease;
    }

    RemediationRecord record() {
        return record;
    }

    LoadedAction loaded() {
        return loaded;
    }

    String actionId() {
        return record.actionId();
    }

    Duration timeout() {
        return timeout;
    }

    Instant started() {
        return started;
    }

    Map<String, String> details() {
        return details;
    }

    String snapshot() {
        return snapshot;
    }

    void snapshot(String taken) {
        this.snapshot = taken;
        details.put("snapshot", "taken");
    }
}
