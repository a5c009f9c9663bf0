package io.homeostat.service.engine;

import io.homeostat.service.engine.facts.Baseline;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.model.BaselineRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The learned normal of every tracked series (tenant, resource, metric of {@link Settings#metrics}):
 * an exponentially weighted mean and variance, updated online by each reading's own time with the
 * weight {@code 1 - exp(-dt / tau)} of a half-life (irregular intervals weigh what they should);
 * during the warm-up, a plain running mean. Each reading is scored against the baseline as it was
 * before the reading ({@link Signal#scoredAgainst}), then updates it; once warm, the update uses the
 * reading clipped to {@code clip} deviations, so that one wild reading does not teach the baseline
 * that wild is normal, while a lasting shift still moves it. A reading no newer than the series'
 * last one (a replay after a restart, a late sender) is scored and not learned from.
 *
 * <p>Engine-thread only. Bounded by {@link Settings#maxSeries}: a series beyond it is not tracked
 * (its readings have no baseline) and is counted in {@link #refused}. Outlives a session: a rule
 * reload's successor session takes the same instance, and {@link #restore} loads what was stored.
 */
public final class Baselines {
    /**
     * @param metrics the metrics that have baselines (each costs about 100 bytes per resource reporting it)
     * @param halfLife how long until a reading weighs half as much
     * @param warmupSamples readings before the baseline may be used ({@link Baseline#warm})
     * @param clip once warm, readings are learned from clipped to the mean ± this many deviations
     * @param maxSeries at most this many series are tracked
     */
    public record Settings(List<String> metrics, Duration halfLife, int warmupSamples, double clip, int maxSeries) {
        public static final Settings DEFAULTS = new Settings(List.of("probe.latency_ms", "http.error_rate", "cpu.utilization",
                "memory.used_percent"), Duration.ofHours(1), 30, 4, 1_000_000);

        public Settings {
            metrics = List.copyOf(metrics);
            Objects.requireNonNull(halfLife, "halfLife");
            if (metrics.size() > 64 || halfLife.isNegative() || halfLife.isZero() || warmupSamples < 1 || clip <= 0 || maxSeries < 0) {
                throw new IllegalArgumentException("baselines: at most 64 metrics, a positive half-life, clip and warm-up");
            }
        }
    }

    /** One series' state: primitives only, about 40 bytes. */
    private static final class Series {
        double mean;
        double variance;
        int samples;
        long lastAt;
        boolean changed;
    }

    private final Settings settings;
    private final Map<String, Integer> index = new HashMap<>();
    private final double tauMillis;
    /** Per tenant, per resource, one slot per tracked metric: nested maps so the per-reading look-up builds no key. */
    private final Map<String, Map<String, Series[]>> series = new HashMap<>();
    private final List<Object[]> changed = new ArrayList<>();
    private long tracked;
    private long refused;

    public Baselines(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        for (int i = 0; i < settings.metrics().size(); i++) {
            index.put(settings.metrics().get(i), i);
        }
        this.tauMillis = settings.halfLife().toMillis() / Math.log(2);
    }

    public Settings settings() {
        return settings;
    }

    /** Scores {@code signal} against its series' baseline and learns from it; a metric without baselines is left alone. */
    public void observe(Signal signal) {
        Integer slot = index.get(signal.getMetric());
        if (slot == null) {
            return;
        }
        Series one = find(signal.getTenant(), signal.getResource(), slot, true);
        if (one == null) {
            return;
        }
        if (one.samples > 0) {
            signal.scoredAgainst(new Baseline(one.mean, Math.sqrt(one.variance), one.samples, one.samples >= settings.warmupSamples()));
        }
        learn(one, signal.getValue(), signal.getTime());
        if (!one.changed) {
            one.changed = true;
            changed.add(new Object[] {signal.getTenant(), signal.getResource(), slot, one});
        }
    }

    private void learn(Series one, double value, long time) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return;
        }
        if (one.samples == 0) {
            one.mean = value;
            one.variance = 0;
            one.samples = 1;
            one.lastAt = time;
            return;
        }
        if (time <= one.lastAt) {
            return;
        }
        double alpha;
        double x = value;
        if (one.samples < settings.warmupSamples()) {
            alpha = 1.0 / (one.samples + 1);
        } else {
            alpha = 1 - Math.exp(-(time - one.lastAt) / tauMillis);
            double reach = settings.clip() * Baseline.floor(one.mean, Math.sqrt(one.variance));
            x = Math.max(one.mean - reach, Math.min(one.mean + reach, value));
        }
        double delta = x - one.mean;
        one.mean += alpha * delta;
        // West's exponentially weighted variance; with alpha = 1/n it is the running (population) variance.
        one.variance = (1 - alpha) * (one.variance + alpha * delta * delta);
        one.samples = one.samples == Integer.MAX_VALUE ? one.samples : one.samples + 1;
        one.lastAt = time;
    }

    private Series find(String tenant, String resource, int slot, boolean create) {
        Map<String, Series[]> ofTenant = series.get(tenant);
        if (ofTenant == null) {
            if (!create) {
                return null;
            }
            ofTenant = new HashMap<>();
            series.put(tenant, ofTenant);
        }
        Series[] ofResource = ofTenant.get(resource);
        if (ofResource == null) {
            if (!create) {
                return null;
            }
            ofResource = new Series[settings.metrics().size()];
            ofTenant.put(resource, ofResource);
        }
        Series one = ofResource[slot];
        if (one == null && create) {
            if (tracked >= settings.maxSeries()) {
                refused++;
                return null;
            }
            one = new Series();
            ofResource[slot] = one;
            tracked++;
        }
        return one;
    }

    /** The baseline of one series now, if it is tracked. */
    public Baseline get(String tenant, String resource, String metric) {
        Integer slot = index.get(metric);
        Series one = slot == null ? null : find(tenant, resource, slot, false);
        return one == null || one.samples == 0 ? null
                : new Baseline(one.mean, Math.sqrt(one.variance), one.samples, one.samples >= settings.warmupSamples());
    }

    /** The series that learned something since the last call, as records to store; they count as unchanged from now on. */
    public List<BaselineRecord> drainChanged() {
        List<BaselineRecord> out = new ArrayList<>(changed.size());
        for (Object[] entry : changed) {
            Series one = (Series) entry[3];
            one.changed = false;
            out.add(new BaselineRecord((String) entry[0], (String) entry[1], settings.metrics().get((Integer) entry[2]), one.mean,
                    one.variance, one.samples, Instant.ofEpochMilli(one.lastAt)));
        }
        changed.clear();
        return out;
    }

    /** Takes stored baselines back (at start-up); metrics no longer configured are skipped. */
    public void restore(List<BaselineRecord> stored) {
        for (BaselineRecord record : stored) {
            Integer slot = index.get(record.metric());
            Series one = slot == null ? null : find(record.tenant(), record.resource(), slot, true);
            if (one != null && record.samples() > 0 && Double.isFinite(record.mean()) && Double.isFinite(record.variance())) {
                one.mean = record.mean();
                one.variance = Math.max(0, record.variance());
                one.samples = record.samples();
                one.lastAt = record.updatedAt().toEpochMilli();
            }
        }
    }

    /** Series tracked now. */
    public long tracked() {
        return tracked;
    }

    /** Series not tracked because {@code maxSeries} was reached (their readings have no baseline). */
    public long refused() {
        return refused;
    }
}
