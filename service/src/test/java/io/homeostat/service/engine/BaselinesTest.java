package io.homeostat.service.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.homeostat.service.engine.facts.Baseline;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.model.BaselineRecord;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Baselines learn a series' normal online, score each reading against the normal before it, and survive restarts and reloads. */
class BaselinesTest {
    private static final Baselines.Settings SETTINGS = new Baselines.Settings(List.of("probe.latency_ms"), Duration.ofHours(1), 30, 4, 1_000);
    private static final long T0 = RuleTestSession.START;

    private static Signal reading(String resource, double value, long time) {
        return Signal.of(resource, "probe.latency_ms", value, time);
    }

    @Test
    void learnsTheMeanAndDeviationOfANoisySeriesAndIsWarmOnlyAfterTheWarmUp() {
        Baselines baselines = new Baselines(SETTINGS);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 29; i++) {
            baselines.observe(reading("service:a", 100 + random.nextGaussian() * 10, T0 + i * 30_000L));
        }
        assertThat(baselines.get("default", "service:a", "probe.latency_ms").warm()).isFalse();
        Signal early = reading("service:a", 400, T0 + 29 * 30_000L);
        baselines.observe(early);
        assertThat(early.getAnomaly()).as("not warm yet: no score").isZero();
        for (int i = 30; i < 2_000; i++) {
            baselines.observe(reading("service:a", 100 + random.nextGaussian() * 10, T0 + i * 30_000L));
        }
        Baseline learned = baselines.get("default", "service:a", "probe.latency_ms");
        assertThat(learned.warm()).isTrue();
        assertThat(learned.mean()).isCloseTo(100, within(3.0));
        assertThat(learned.deviation()).isCloseTo(10, within(2.5));

        Signal spike = reading("service:a", 1_000, T0 + 2_000 * 30_000L);
        baselines.observe(spike);
        assertThat(spike.getBaseline().mean()).as("scored against the normal before it").isCloseTo(100, within(3.0));
        assertThat(spike.getAnomaly()).isGreaterThan(4);
        // Unclipped, 1,000 ms would move the mean by about 5 ms (weight 0.006 after 30 s); clipped to 4 deviations, by 0.25.
        assertThat(baselines.get("default", "service:a", "probe.latency_ms").mean()).as("one wild reading is learned from clipped")
                .isLessThan(learned.mean() + 1);
    }

    @Test
    void aLastingShiftBecomesTheNewNormal() {
        Baselines baselines = new Baselines(SETTINGS);
        long t = T0;
        for (int i = 0; i < 200; i++, t += 30_000) {
            baselines.observe(reading("service:a", i % 2 == 0 ? 95 : 105, t));
        }
        for (int i = 0; i < 4 * 120 * 6; i++, t += 30_000) {
            baselines.observe(reading("service:a", i % 2 == 0 ? 195 : 205, t));
        }
        assertThat(baselines.get("default", "service:a", "probe.latency_ms").mean()).as("after 24 half-lives at 200").isCloseTo(200, within(10.0));
        Signal usual = reading("service:a", 205, t);
        baselines.observe(usual);
        assertThat(usual.getAnomaly()).isLessThan(4);
    }

    @Test
    void aReplayedOrLateReadingIsScoredButNotLearnedFrom() {
        Baselines baselines = new Baselines(SETTINGS);
        for (int i = 0; i < 40; i++) {
            baselines.observe(reading("service:a", 50, T0 + i * 1_000L));
        }
        Baseline before = baselines.get("default", "service:a", "probe.latency_ms");
        Signal late = reading("service:a", 5_000, T0 + 10_000);
        baselines.observe(late);
        assertThat(late.getAnomaly()).isGreaterThan(4);
        assertThat(baselines.get("default", "service:a", "probe.latency_ms")).isEqualTo(before);
    }

    @Test
    void beyondMaxSeriesASeriesIsNotTrackedAndIsCounted() {
        Baselines baselines = new Baselines(new Baselines.Settings(List.of("probe.latency_ms"), Duration.ofHours(1), 30, 4, 2));
        baselines.observe(reading("service:a", 1, T0));
        baselines.observe(reading("service:b", 1, T0));
        Signal third = reading("service:c", 1, T0);
        baselines.observe(third);
        baselines.observe(reading("service:c", 1, T0 + 1));
        baselines.observe(Signal.of("service:a", "cpu.utilization", 1, T0));
        assertThat(baselines.tracked()).isEqualTo(2);
        assertThat(baselines.refused()).isEqualTo(2);
        assertThat(baselines.get("default", "service:c", "probe.latency_ms")).isNull();
    }

    @Test
    void whatChangedIsHandedOverOnceAndRestoresTheSameBaseline() {
        Baselines baselines = new Baselines(SETTINGS);
        for (int i = 0; i < 40; i++) {
            baselines.observe(reading("service:a", 40 + i % 3, T0 + i * 1_000L));
        }
        List<BaselineRecord> changed = baselines.drainChanged();
        assertThat(changed).singleElement().satisfies(record -> assertThat(record.samples()).isEqualTo(40));
        assertThat(baselines.drainChanged()).as("nothing new").isEmpty();

        Baselines restarted = new Baselines(SETTINGS);
        restarted.restore(changed);
        assertThat(restarted.get("default", "service:a", "probe.latency_ms")).isEqualTo(baselines.get("default", "service:a", "probe.latency_ms"));
        Signal spike = reading("service:a", 90, T0 + 60_000);
        restarted.observe(spike);
        assertThat(spike.getAnomaly()).as("warm at once after the restart").isGreaterThan(4);
    }

    @Test
    void aRuleReloadKeepsTheBaselines() {
        try (RuleTestSession rules = new RuleTestSession()) {
            EngineSession session = rules.engine();
            for (int i = 0; i < 40; i++) {
                session.insert(reading("service:a", 20 + i % 3, session.now()));
                session.advance(Duration.ofSeconds(10));
                session.fire();
            }
            try (EngineSession next = session.successor(RuleTestSession.shippedRules())) {
                assertThat(next.baselines()).isSameAs(session.baselines());
                Signal spike = reading("service:a", 150, next.now());
                next.insert(spike);
                assertThat(spike.getAnomaly()).isGreaterThan(4);
            }
        }
    }
}
