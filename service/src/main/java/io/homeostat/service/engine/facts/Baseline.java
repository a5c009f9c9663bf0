package io.homeostat.service.engine.facts;

/**
 * What a series (tenant, resource, metric) normally reads, as learned before a reading arrived:
 * an exponentially weighted mean and deviation ({@code io.homeostat.service.engine.Baselines}).
 * Rules reach it through the reading: {@code Signal( baseline != null, baseline.warm,
 * value > baseline.mean + 4 * baseline.deviation )}, or {@code Signal( anomaly > 4 )}.
 *
 * @param mean the weighted mean of the readings before this one
 * @param deviation their weighted standard deviation, floored (see {@link #floor}) so that a series
 *     that never moved does not make every small change infinitely anomalous
 * @param samples how many readings it has learned from
 * @param warm whether it has learned from enough readings to be used ({@code baselines.warmupSamples})
 */
public record Baseline(double mean, double deviation, int samples, boolean warm) {
    /** The smallest deviation a score divides by: 1 % of the mean's size, at least 1e-9. */
    public static double floor(double mean, double deviation) {
        return Math.max(deviation, Math.max(1e-9, Math.abs(mean) * 0.01));
    }

    // Bean-style getters: rule constraints read properties (baseline.mean).
    public double getMean() {
        return mean;
    }

    public double getDeviation() {
        return deviation;
    }

    public int getSamples() {
        return samples;
    }

    public boolean isWarm() {
        return warm;
    }

    /** How many deviations {@code value} is from the mean (a z-score); 0 while not warm. */
    public double score(double value) {
        return warm ? (value - mean) / floor(mean, deviation) : 0;
    }
}
