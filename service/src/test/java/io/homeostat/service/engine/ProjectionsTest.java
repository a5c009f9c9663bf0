package io.homeostat.service.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.homeostat.service.engine.facts.Projection;
import io.homeostat.service.engine.facts.Signal;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Projections fit a line through a series' recent points; on series with known slopes the time to a threshold is within 10 %. */
class ProjectionsTest {
    private static final long T0 = RuleTestSession.START;

    /** Feeds a reading every 30 s for {@code minutes} of a line with noise; returns the projection the last reading carried. */
    private static Projection feed(Projections projections, String resource, double start, double perHour, double noise, int minutes,
                                   long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Signal last = null;
        for (int second = 0; second <= minutes * 60; second += 30) {
            double value = start + perHour * second / 3600.0 + noise * random.nextGaussian();
            last = Signal.of(resource, "disk.used_percent", value, T0 + second * 1000L);
            projections.observe(last);
        }
        return last.getProjection();
    }

    @Test
    void knownSlopesGiveTheTimeToTheThresholdWithinTenPercent() {
        double[][] cases = {{50, 5}, {70, 3}, {80, 2}, {60, 10}, {85, 1}};
        for (double[] c : cases) {
            Projections projections = new Projections(Projections.Settings.DEFAULTS);
            Projection fit = feed(projections, "disk:a", c[0], c[1], 0.3, 120, 7);
            double levelNow = c[0] + c[1] * 2;
            double trueHours = (95 - levelNow) / c[1];
            assertThat(fit.hoursTo(95)).as("from %s%% rising %s%%/h", c[0], c[1]).isCloseTo(trueHours, within(trueHours * 0.10));
            assertThat(fit.getConfidence()).as("r² of a 2-hour line with noise 0.3: lowest for the slowest rise").isGreaterThan(0.7);
            assertThat(fit.points()).isEqualTo(24);
        }
    }

    @Test
    void aFlatNoisySeriesPredictsNothingAndHasLittleConfidence() {
        Projection fit = feed(new Projections(Projections.Settings.DEFAULTS), "disk:a", 60, 0, 2, 120, 3);
        assertThat(fit.getConfidence()).isLessThan(0.5);
        Projection falling = feed(new Projections(Projections.Settings.DEFAULTS), "disk:b", 80, -5, 0.1, 120, 3);
        assertThat(falling.hoursTo(95)).as("heading away").isInfinite();
    }

    @Test
    void aProjectionNeedsItsMinimumOfPointsAndTheBucketsAreTheIssues() {
        Projections projections = new Projections(Projections.Settings.DEFAULTS);
        assertThat(feed(projections, "disk:a", 50, 5, 0.1, 20, 1)).as("5 points in 20 minutes: too few").isNull();
        assertThat(Projection.bucket(0.5)).isEqualTo("<1h");
        assertThat(Projection.bucket(5.9)).isEqualTo("1-6h");
        assertThat(Projection.bucket(23)).isEqualTo("6-24h");
        assertThat(Projection.bucket(30)).isNull();
    }

    @Test
    void beyondMaxSeriesNothingIsTrackedAndItIsCounted() {
        Projections projections = new Projections(new Projections.Settings(List.of("disk.used_percent"), Duration.ofMinutes(5), 24, 6, 1));
        projections.observe(Signal.of("disk:a", "disk.used_percent", 1, T0));
        projections.observe(Signal.of("disk:b", "disk.used_percent", 1, T0));
        assertThat(projections.tracked()).isEqualTo(1);
        assertThat(projections.refused()).isEqualTo(1);
    }
}
