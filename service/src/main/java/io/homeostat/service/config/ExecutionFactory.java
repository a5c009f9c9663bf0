package io.homeostat.service.config;

import com.codahale.metrics.MetricRegistry;
import io.homeostat.service.cluster.Cluster;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.homeostat.service.execution.EscalationNotifier;
import io.homeostat.service.execution.RemediationExecutor;
import io.homeostat.service.inbox.Inbox;
import io.homeostat.service.plugins.PluginRegistry;
import io.homeostat.service.store.Store;
import io.homeostat.service.telemetry.Telemetry;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code execution:} how many remediations run at once, how long each may take, how transient failures are retried. */
public class ExecutionFactory {
    @Min(1)
    @Max(256)
    @JsonProperty
    private int maxConcurrent = 8;

    @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration actionTimeout = Duration.seconds(60);

    /** Per action id, overriding actionTimeout. */
    @JsonProperty
    private Map<String, Duration> actionTimeouts = new LinkedHashMap<>();

    /**
     * Retries of a transient failure (a plugin's retryable result) with exponential backoff:
     * 1, 2, 4, 8, 16 s by default. The same attempt, with the same idempotency key.
     */
    @Min(0)
    @Max(10)
    @JsonProperty
    private int maxRetries = 5;

    @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration retryBackoff = Duration.seconds(1);

    /** Per action id, overriding maxRetries. */
    @JsonProperty
    private Map<String, Integer> actionRetries = new LinkedHashMap<>();

    /** The action that delivers escalations (a notify plugin's); when no plugin provides it, escalations are only recorded. */
    @JsonProperty
    private String escalationAction = "notify.webhook";

    /**
     * Several channels instead of escalationAction alone, e.g. [notify.slack, notify.alertmanager]: each
     * escalation goes to every one, and each channel's delivery is recorded and retried on its own.
     */
    @JsonProperty
    private List<@NotBlank String> escalationActions = new ArrayList<>();

    /**
     * How long a stopping service waits for running actions. One still running after that is left
     * "running" in the store and reconciled at the next start (verified, rolled back or decided again).
     */
    @MinDuration(value = 0, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration shutdownGrace = Duration.seconds(30);

    /**
     * How often escalations whose delivery failed (the endpoint was down) are tried again while
     * their issue is unresolved: a page that did not go out must not wait for a restart.
     */
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration escalationRedelivery = Duration.minutes(5);

    /** How long the executor may stay saturated (every supervisor busy, work waiting) before its health check says so. */
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration saturatedAfter = Duration.minutes(1);

    @com.fasterxml.jackson.annotation.JsonIgnore // a view of the configured value, not a property
    public java.time.Duration getSaturatedAfter() {
        return saturatedAfter.toJavaDuration();
    }

    @com.fasterxml.jackson.annotation.JsonIgnore // a view of the configured value, not a property
    public java.time.Duration getEscalationRedelivery() {
        return escalationRedelivery.toJavaDuration();
    }

    @com.fasterxml.jackson.annotation.JsonIgnore // a view of the configured value, not a property
    public java.time.Duration getShutdownGrace() {
        return shutdownGrace.toJavaDuration();
    }

    public int retriesFor(String actionId) {
        return actionRetries.getOrDefault(actionId, maxRetries);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore // a view of the configured value, not a property
    public java.time.Duration getRetryBackoff() {
        return retryBackoff.toJavaDuration();
    }

    /** The channels escalations go to: escalationActions when set, else escalationAction alone. */
    @com.fasterxml.jackson.annotation.JsonIgnore // a view of the configured values, not a property
    public List<String> escalationChannels() {
        return escalationActions.isEmpty() ? List.of(escalationAction) : List.copyOf(escalationActions);
    }

    @ValidationMethod(message = "escalationActions must not name a channel twice")
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEscalationActionsDistinct() {
        return new java.util.HashSet<>(escalationActions).size() == escalationActions.size();
    }

    public int getMaxConcurrent() {
        return maxConcurrent;
    }

    public java.time.Duration timeoutFor(String actionId) {
        return actionTimeouts.getOrDefault(actionId, actionTimeout).toJavaDuration();
    }

    /** The executor: plugin calls under these timeouts, retries and concurrency; outcomes reported to {@code inbox}. */
    public RemediationExecutor buildExecutor(PluginRegistry plugins, Store store, Inbox inbox, PluginsFactory pluginSettings,
                                             MetricRegistry metrics, Telemetry telemetry, Cluster cluster) {
        return new RemediationExecutor(plugins, store, inbox, this::timeoutFor, pluginSettings::settingsFor, this::retriesFor,
                getRetryBackoff(), getShutdownGrace(), maxConcurrent, metrics, telemetry, cluster);
    }

    /** The notifier: escalations through each channel, each re-sent every {@code escalationRedelivery} until delivered. */
    public EscalationNotifier buildNotifier(PluginRegistry plugins, Store store, ObjectMapper json, PluginsFactory pluginSettings,
                                            Telemetry telemetry, java.util.function.BooleanSupplier leads) {
        return new EscalationNotifier(plugins, store, json, escalationChannels(), pluginSettings::settingsFor, this::timeoutFor,
                this::retriesFor, getRetryBackoff(), getEscalationRedelivery(), telemetry, leads);
    }
}
