package io.homeostat.service.engine.facts;

/**
 * Where a series is heading, fitted before a reading arrived: a least-squares line through its
 * recent points ({@code io.homeostat.service.engine.Projections}). Rules reach it through the
 * reading ({@code Signal.projection}) and turn it into a {@link Prediction}.
 *
 * @param slopePerHour the fitted change per hour
 * @param level the fitted value at the newest point
 * @param at the time of the newest point (epoch ms)
 * @param rSquared how well a line fits the points (0 to 1)
 * @param points how many points the fit has
 * @param spanMillis from the oldest point to the newest
 */
public record Projection(double slopePerHour, double level, long at, double rSquared, int points, long spanMillis) {
    /** Points at which a fit counts fully; with fewer, its confidence is scaled down. */
    public static final int FULL_POINTS = 12;

    /**
     * Hours from {@link #at} until the line reaches {@code threshold}: 0 when it is there already,
     * infinity when it does not head that way.
     */
    public double hoursTo(double threshold) {
        double gap = threshold - level;
        if (gap == 0 || Math.signum(gap) == Math.signum(slopePerHour) && slopePerHour != 0) {
            return gap == 0 ? 0 : gap / slopePerHour;
        }
        return Double.POSITIVE_INFINITY;
    }

    /** How much to believe it: the fit's r² scaled by how many points it has (full from {@link #FULL_POINTS}). */
    public double getConfidence() {
        return Math.max(0, rSquared) * Math.min(1.0, points / (double) FULL_POINTS);
    }

    /** The time-to-failure bucket of {@code hours}: "<1h", "1-6h", "6-24h", or null beyond a day. */
    public static String bucket(double hours) {
        return hours < 1 ? "<1h" : hours < 6 ? "1-6h" : hours < 24 ? "6-24h" : null;
    }

    public double getSlopePerHour() {
        return slopePerHour;
    }

    public double getLevel() {
        return level;
    }

    public double getRSquared() {
        return rSquared;
    }

    public int getPoints() {
        return points;
    }

    public long getSpanMillis() {
        return spanMillis;
    }

    public long getAt() {
        return at;
    }
}
