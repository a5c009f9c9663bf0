package io.homeostat.service.engine;

import io.homeostat.service.engine.facts.Projection;
import io.homeostat.service.engine.facts.Signal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * Where each tracked series (tenant, resource, metric of {@link Settings#metrics}) is heading: a point
 * every {@code sampleEvery} of the readings' own time (the first reading of each interval), the last
 * {@code points} of them in a ring, and a least-squares line through them (Commons Math), refitted when
 * a point is added. Each reading carries the fit as it stood before it ({@link Signal#projectedBy}).
 * Engine-thread only; bounded by {@link Settings#maxSeries} (beyond it: no projection, counted).
 * Not stored: after a restart the points are taken again from the replayed recent signals, and a fit
 * needs {@code minPoints} of them.
 */
public final class Projections {
    /**
     * @param metrics the metrics projected (their series cost about 250 bytes each)
     * @param sampleEvery one point per this much of the readings' time
     * @param points how many points the fit looks back over (with 5 minutes and 24: two hours)
     * @param minPoints the fewest points a projection is made from
     * @param maxSeries at most this many series are tracked
     */
    public record Settings(List<String> metrics, Duration sampleEvery, int points, int minPoints, int maxSeries) {
        public static final Settings DEFAULTS = new Settings(List.of("disk.used_percent", "memory.used_percent", "http.error_rate"),
                Duration.ofMinutes(5), 24, 6, 500_000);

        public Settings {
            metrics = List.copyOf(metrics);
            Objects.requireNonNull(sampleEvery, "sampleEvery");
            if (metrics.size() > 64 || sampleEvery.isNegative() || sampleEvery.isZero() || points < 3 || points > 1_000
                    || minPoints < 3 || minPoints > points || maxSeries < 0) {
                throw new IllegalArgumentException("projections: at most 64 metrics, a positive interval, 3 <= minPoints <= points <= 1000");
            }
        }
    }

    /** One series' last points (time relative to {@code base}, in seconds) and its current fit. */
    private static final class Series {
        final float[] values;
        final int[] seconds;
        long base;
        int next;
        int count;
        long lastPointAt = Long.MIN_VALUE;
        Projection fit;

        Series(int points) {
            values = new float[points];
            seconds = new int[points];
        }
    }

    private final Settings settings;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Map<String, Series[]>> series = new HashMap<>();
    private long tracked;
    private long refused;

    public Projections(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        for (int i = 0; i < settings.metrics().size(); i++) {
            index.put(settings.metrics().get(i), i);
        }
    }

    /** Hands {@code signal} its series' projection, then takes it as a point if its interval has none yet. */
    public void observe(Signal signal) {
        Integer slot = index.get(signal.getMetric());
        if (slot == null || !Double.isFinite(signal.getValue())) {
            return;
        }
        Series one = find(signal.getTenant(), signal.getResource(), slot);
        if (one == null) {
            return;
        }
        if (one.fit != null) {
            signal.projectedBy(one.fit);
        }
        long time = signal.getTime();
        if (one.count > 0 && time < one.lastPointAt + settings.sampleEvery().toMillis()) {
            return;
        }
        if (one.count == 0) {
            one.base = time;
        }
        one.values[one.next] = (float) signal.getValue();
        one.seconds[one.next] = (int) Math.min(Integer.MAX_VALUE, (time - one.base) / 1000);
        one.next = (one.next + 1) % one.values.length;
        one.count = Math.min(one.count + 1, one.values.length);
        one.lastPointAt = time;
        one.fit = one.count >= settings.minPoints() ? fit(one) : null;
    }

    private static Projection fit(Series one) {
        SimpleRegression regression = new SimpleRegression();
        int newest = (one.next - 1 + one.values.length) % one.values.length;
        int oldest = (one.next - one.count + one.values.length) % one.values.length;
        for (int i = 0; i < one.count; i++) {
            int at = (oldest + i) % one.values.length;
            regression.addData((one.seconds[at] - one.seconds[newest]) / 3600.0, one.values[at]);
        }
        double slope = regression.getSlope();
        double level = regression.getIntercept();
        double r2 = regression.getRSquare();
        if (!Double.isFinite(slope) || !Double.isFinite(level)) {
            return null;
        }
        return new Projection(slope, level, one.lastPointAt, Double.isFinite(r2) ? r2 : 0, one.count,
                (one.seconds[newest] - one.seconds[oldest]) * 1000L);
    }

    private Series find(String tenant, String resource, int slot) {
        Series[] ofResource = series.computeIfAbsent(tenant, t -> new HashMap<>())
                .computeIfAbsent(resource, r -> new Series[settings.metrics().size()]);
        Series one = ofResource[slot];
        if (one == null) {
            if (tracked >= settings.maxSeries()) {
                refused++;
                return null;
            }
            one = new Series(settings.points());
            ofResource[slot] = one;
            tracked++;
        }
        return one;
    }

    public long tracked() {
        return tracked;
    }

    public long refused() {
        return refused;
    }
}
