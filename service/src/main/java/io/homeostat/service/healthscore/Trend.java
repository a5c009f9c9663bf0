package io.homeostat.service.healthscore;

import java.time.Instant;
import java.util.List;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * Whether a score improves, holds or declines: the least-squares slope of the last hour's points, in
 * points per hour. Beyond ±5 an hour it moves; with fewer than 5 points it is "stable" (too little
 * to tell), and the slope is reported as 0.
 */
public record Trend(String direction, double slopePerHour, int points) {
    static final double MOVING = 5;

    public record Point(Instant at, double score) {
    }

    public static Trend of(List<Point> lastHour) {
        if (lastHour.size() < 5) {
            return new Trend("stable", 0, lastHour.size());
        }
        SimpleRegression fit = new SimpleRegression();
        long origin = lastHour.get(0).at().toEpochMilli();
        for (Point point : lastHour) {
            fit.addData((point.at().toEpochMilli() - origin) / 3_600_000.0, point.score());
        }
        double slope = Double.isNaN(fit.getSlope()) ? 0 : fit.getSlope();
        String direction = slope > MOVING ? "improving" : slope < -MOVING ? "declining" : "stable";
        return new Trend(direction, Math.round(slope * 10) / 10.0, lastHour.size());
    }
}
