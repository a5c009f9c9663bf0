package io.homeostat.service.telemetry;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The service's Prometheus metrics with labels, for dashboards and alert rules to aggregate (the
 * Dropwizard metrics beside them keep their flattened names for the admin port's {@code /metrics}).
 * Labels are bounded by configuration: action ids (the loaded plugins), issue types (the rules), gate
 * names, channels, severities, outcomes and results; never a resource, tenant key or message.
 *
 * <ul>
 *   <li>{@code homeostat_remediations_total{issue_type, action, result}} and
 *       {@code homeostat_remediation_duration_seconds{action}} (a histogram), as each attempt ends;</li>
 *   <li>{@code homeostat_decisions_total{outcome, gate}}: the gate that did not pass, {@code none} when all did;</li>
 *   <li>{@code homeostat_issues_opened_total{type, severity}} (anomalies are issues of their types);</li>
 *   <li>{@code homeostat_escalations_total{severity}} and {@code homeostat_escalation_deliveries_total{severity, channel, result}};</li>
 *   <li>{@code homeostat_collector_runs_total{collector, result}}, {@code homeostat_collector_run_seconds{collector}} and
 *       {@code homeostat_collector_cpu_seconds_total{collector}}: what watching costs;</li>
 *   <li>{@code homeostat_queue_depth} and {@code homeostat_queue_capacity}: the engine's signal queue, read at each scrape.</li>
 * </ul>
 * The health score is {@code homeostat_health_score{tenant, category}} (the health score package registers it); single
 * figures without dimensions keep their Dropwizard names, exported beside these ({@code homeostat_engine_lag_seconds},
 * {@code homeostat_engine_batch_seconds}, {@code homeostat_rules_degraded}, {@code homeostat_remediations_running}, ...).
 */
public final class Telemetry {
    private final PrometheusRegistry registry;
    private final Counter remediations;
    private final Histogram remediationSeconds;
    private final Counter decisions;
    private final Counter issuesOpened;
    private final Counter escalations;
    private final Counter collections;
    private final Histogram collectionSeconds;
    private final Counter collectorCpu;
    private final Counter escalationDeliveries;
    private final Counter retentionRows;
    private final Counter retentionFailures;

    public Telemetry(PrometheusRegistry registry) {
        this.registry = registry;
        this.remediations = Counter.builder().name("homeostat_remediations_total")
                .help("Remediation attempts that ended, by issue type, action and result (succeeded, failed, not_applicable, ...)")
                .labelNames("issue_type", "action", "result").register(registry);
        this.remediationSeconds = Histogram.builder().name("homeostat_remediation_duration_seconds")
                .help("How long remediation attempts took, by action")
                .classicUpperBounds(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)
                .labelNames("action").register(registry);
        this.decisions = Counter.builder().name("homeostat_decisions_total")
                .help("Decisions by outcome and the gate that did not pass (none when every gate passed)")
                .labelNames("outcome", "gate").register(registry);
        this.issuesOpened = Counter.builder().name("homeostat_issues_opened_total")
                .help("Issues opened, by type and severity").labelNames("type", "severity").register(registry);
        this.collections = Counter.builder().name("homeostat_collector_runs_total")
                .help("Collections by collector and result (ok, failed)").labelNames("collector", "result").register(registry);
        this.collectionSeconds = Histogram.builder().name("homeostat_collector_run_seconds")
                .help("How long collections took, by collector").classicUpperBounds(0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30)
                .labelNames("collector").register(registry);
        this.collectorCpu = Counter.builder().name("homeostat_collector_cpu_seconds_total")
                .help("CPU time the collectors' own threads spent, by collector: their overhead on this host").labelNames("collector")
                .register(registry);
        this.escalations = Counter.builder().name("homeostat_escalations_total")
                .help("Issues escalated to humans, by severity").labelNames("severity").register(registry);
        this.escalationDeliveries = Counter.builder().name("homeostat_escalation_deliveries_total")
                .help("Escalation deliveries by the issue's severity, channel and result (sent, failed)")
                .labelNames("severity", "channel", "result").register(registry);
        this.retentionRows = Counter.builder().name("homeostat_retention_archived_total")
                .help("Rows (an issue with everything recorded about it counts once) and signal files retention archived, then deleted, by table")
                .labelNames("table").register(registry);
        this.retentionFailures = Counter.builder().name("homeostat_retention_failures_total")
                .help("Retention runs that stopped on an error (archive not writable, database away): nothing unarchived was deleted")
                .register(registry);
    }

    public void archived(String table, long rows) {
        retentionRows.labelValues(table).inc(rows);
    }

    public void retentionFailed() {
        retentionFailures.inc();
    }

    public void remediationEnded(String issueType, String action, String result, Duration took) {
        remediations.labelValues(orUnknown(issueType), action, result).inc();
        remediationSeconds.labelValues(action).observe(took.toMillis() / 1000.0);
    }

    public void decided(String outcome, String blockingGate) {
        decisions.labelValues(outcome, blockingGate == null ? "none" : blockingGate).inc();
    }

    public void issueOpened(String type, String severity) {
        issuesOpened.labelValues(type, orUnknown(severity)).inc();
    }

    public void collected(String collector, String result, Duration took, Duration cpu) {
        collections.labelValues(collector, result).inc();
        collectionSeconds.labelValues(collector).observe(took.toNanos() / 1e9);
        collectorCpu.labelValues(collector).inc(cpu.toNanos() / 1e9);
    }

    public void escalated(String severity) {
        escalations.labelValues(orUnknown(severity)).inc();
    }

    public void escalationDelivered(String severity, String channel, String result) {
        escalationDeliveries.labelValues(orUnknown(severity), channel, result).inc();
    }

    /** The engine's signal queue, read at each scrape: how many signals wait, and how many it holds. */
    public void queue(DoubleSupplier depth, DoubleSupplier capacity) {
        gauge("homeostat_queue_depth", "Signals waiting for the engine", depth);
        gauge("homeostat_queue_capacity", "How many signals the engine's queue holds", capacity);
    }

    private void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(callback -> callback.call(value.getAsDouble())).register(registry);
    }

    private static String orUnknown(String value) {
        return value == null || value.isBlank() ? "unknown" : value;
    }
}
