package io.homeostat.service.engine.facts;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.kie.api.definition.type.Role;
import org.kie.api.definition.type.Timestamp;

/**
 * One observation of one metric of one resource. An immutable Drools event stamped with the time
 * it was observed ({@link #getTime()}, epoch milliseconds); the engine removes it from the session
 * {@link #LIFETIME} after that time, which bounds memory whatever the rules do with it. A rule file
 * may lengthen that when one of its windows is longer, with
 * {@code declare Signal @role(event) @timestamp(time) @expires(1h) end} (a declaration replaces the
 * class's own, so it repeats the role and timestamp).
 */
@Role(Role.Type.EVENT)
@Timestamp("time")
public final class Signal {
    /**
     * How long a signal stays in the session after its own time. The engine removes it
     * ({@code SignalExpiry}) rather than Drools' per-event {@code @expires} timer, which was a fifth of
     * the engine's time at high rates.
     */
    public static final Duration LIFETIME = Duration.ofMinutes(15);

    /** The source recorded for a signal that names none. */
    public static final String ANONYMOUS_SOURCE = "anonymous";

    private final String tenant;
    private final String resource;
    private final String metric;
    private final double value;
    private final long time;
    private final String unit;
    private final String source;
    private final Map<String, String> labels;
    private final long receivedNanos;
    /** Set once by the engine when the reading arrives, for metrics that have baselines; else null. */
    private Baseline baseline;
    /** Set once by the engine for metrics that are projected; else null. */
    private Projection projection;

    public Signal(String tenant, String resource, String metric, double value, long time,
                  String unit, String source, Map<String, String> labels, long receivedNanos) {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.resource = Objects.requireNonNull(resource, "resource");
        this.metric = Objects.requireNonNull(metric, "metric");
        this.value = value;
        this.time = time;
        this.unit = unit;
        this.source = source;
        this.labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
        this.receivedNanos = receivedNanos;
    }

    /** A signal for rule tests and scenarios, with no unit, source or labels. */
    public static Signal of(String resource, String metric, double value, long time) {
        return new Signal("default", resource, metric, value, time, null, null, Map.of(), System.nanoTime());
    }

    public String getTenant() {
        return tenant;
    }

    public String getResource() {
        return resource;
    }

    /** The part of the resource id before the first colon: {@code service}, {@code host}, ... */
    public String getResourceKind() {
        int colon = resource.indexOf(':');
        return colon < 0 ? resource : resource.substring(0, colon);
    }

    public String getMetric() {
        return metric;
    }

    public double getValue() {
        return value;
    }

    public long getTime() {
        return time;
    }

    public String getUnit() {
        return unit;
    }

    /** The source, or {@link #ANONYMOUS_SOURCE} when the signal named none: who reported it. */
    public String getReporter() {
        return source == null ? ANONYMOUS_SOURCE : source;
    }

    public String getSource() {
        return source;
    }

    public Map<String, String> getLabels() {
        return labels;
    }

    public String label(String name) {
        return labels.get(name);
    }

    /**
     * What the series normally reads, learned from the readings before this one; null for a metric
     * without baselines ({@code baselines.metrics}).
     */
    public Baseline getBaseline() {
        return baseline;
    }

    /** How far this reading is from its series' normal, in deviations (a z-score); 0 without a warm baseline. */
    public double getAnomaly() {
        return baseline == null ? 0 : baseline.score(value);
    }

    /** The engine scores a reading once, as it arrives ({@code Baselines}); later calls change nothing. */
    public void scoredAgainst(Baseline learned) {
        if (baseline == null) {
            baseline = learned;
        }
    }

    /** Where the series was heading before this reading (a least-squares line); null for a metric not projected or too few points. */
    public Projection getProjection() {
        return projection;
    }

    /** The engine hands a reading its series' projection once, as it arrives ({@code Projections}). */
    public void projectedBy(Projection fitted) {
        if (projection == null) {
            projection = fitted;
        }
    }

    /** {@link System#nanoTime()} when intake accepted it; used for latency metrics, not by rules. */
    public long getReceivedNanos() {
        return receivedNanos;
    }

    @Override
    public String toString() {
        return "Signal[" + tenant + " " + resource + " " + metric + "=" + value + " @" + time + "]";
    }
}
