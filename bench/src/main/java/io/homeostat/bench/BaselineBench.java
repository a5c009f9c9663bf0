package io.homeostat.bench;

import io.homeostat.service.engine.Baselines;
import io.homeostat.service.engine.facts.Signal;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * (j) Baselines: what they cost and how well they see.
 *
 * <p>Quality: a labelled synthetic set of latency series, generated from a seed: each series has its
 * own level (30–150 ms), a daily cycle (±20–50 %, peak mid-afternoon), noise (5–10 %), and, on some,
 * a lasting step (+30–80 %, normal from then on) or a slow drift (up to +20 % a day); into each, 20
 * anomalies are injected (2–4 × the normal value for 1–5 readings), the only readings labelled
 * anomalous. One reading every 30 s for 7 days. Two rules judge every reading: the baseline rule of
 * latency_anomaly ({@code value > mean + 4 × deviation}, warm baselines only, the shipped settings)
 * and the fixed threshold of high_latency ({@code value > 200}). Reported per reading: the share of
 * anomalous readings flagged (detection rate) and of normal ones (false-positive rate); and per
 * anomaly: the share flagged at least once.
 *
 * <p>Memory: the heap after full collections with 100,000 resources × 4 metrics tracked, minus
 * without: bytes per series, against the engine's heap budget.
 */
final class BaselineBench {
    private static final long STEP = 30_000;
    private static final int DAYS = 7;
    private static final double FIXED = 200;

    private BaselineBench() {
    }

    static void run(int series, long seed) {
        quality(series, seed);
        memory(100_000);
    }

    private static void quality(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Baselines baselines = new Baselines(Baselines.Settings.DEFAULTS);
        long[] dynamic = new long[4];
        long[] fixed = new long[4];
        long anomalies = 0;
        long anomaliesSeenDynamic = 0;
        long anomaliesSeenFixed = 0;
        long readings = DAYS * 86_400_000L / STEP;
        for (int s = 0; s < count; s++) {
            String resource = "service:s" + s;
            double level = 30 + random.nextDouble() * 120;
            double amplitude = 0.2 + random.nextDouble() * 0.3;
            double noise = 0.05 + random.nextDouble() * 0.05;
            long stepAt = random.nextDouble() < 0.3 ? (long) (random.nextDouble() * readings) : Long.MAX_VALUE;
            double step = 0.3 + random.nextDouble() * 0.5;
            double drift = random.nextDouble() < 0.3 ? random.nextDouble() * 0.2 : 0;
            boolean[] anomalous = new boolean[(int) readings];
            List<int[]> events = new ArrayList<>();
            double[] factor = new double[(int) readings];
            for (int a = 0; a < 20; a++) {
                int at = (int) (random.nextDouble() * (readings - 10));
                int length = 1 + random.nextInt(5);
                double times = 2 + random.nextDouble() * 2;
                events.add(new int[] {at, length});
                for (int i = at; i < at + length; i++) {
                    anomalous[i] = true;
                    factor[i] = times;
                }
            }
            boolean[] flaggedDynamic = new boolean[(int) readings];
            boolean[] flaggedFixed = new boolean[(int) readings];
            for (int i = 0; i < readings; i++) {
                long time = i * STEP;
                double days = time / 86_400_000.0;
                double normal = level * (1 + amplitude * Math.sin(2 * Math.PI * (days - 0.375)))
                        * (i >= stepAt ? 1 + step : 1) * (1 + drift * days);
                double value = normal * (1 + noise * random.nextGaussian());
                if (anomalous[i]) {
                    value = normal * factor[i];
                }
                Signal reading = new Signal("default", resource, "probe.latency_ms", value, time, "ms", "bench", Map.of(), 0);
                baselines.observe(reading);
                flaggedDynamic[i] = reading.getAnomaly() > 4;
                flaggedFixed[i] = value > FIXED;
                count(dynamic, anomalous[i], flaggedDynamic[i]);
                count(fixed, anomalous[i], flaggedFixed[i]);
            }
            for (int[] event : events) {
                anomalies++;
                boolean d = false;
                boolean f = false;
                for (int i = event[0]; i < event[0] + event[1]; i++) {
                    d |= flaggedDynamic[i];
                    f |= flaggedFixed[i];
                }
                anomaliesSeenDynamic += d ? 1 : 0;
                anomaliesSeenFixed += f ? 1 : 0;
            }
        }
        System.out.printf("(j) baselines, %d synthetic latency series (seed %d), 7 days at 30 s, 20 injected anomalies each:%n", count, seed);
        report("baseline rule (value > mean + 4 deviations)", dynamic, anomaliesSeenDynamic, anomalies);
        report("fixed rule (value > 200 ms)               ", fixed, anomaliesSeenFixed, anomalies);
    }

    /** [true positive, false negative, false positive, true negative] */
    private static void count(long[] tally, boolean anomalous, boolean flagged) {
        tally[anomalous ? (flagged ? 0 : 1) : (flagged ? 2 : 3)]++;
    }

    private static void report(String name, long[] tally, long seen, long anomalies) {
        System.out.printf("    %s: detection %.1f %% of anomalous readings (%.1f %% of anomalies), false positives %.2f %% of normal readings%n",
                name, 100.0 * tally[0] / (tally[0] + tally[1]), 100.0 * seen / anomalies, 100.0 * tally[2] / (tally[2] + tally[3]));
    }

    private static void memory(int resources) {
        List<String> metrics = Baselines.Settings.DEFAULTS.metrics();
        long before = usedAfterGc();
        Baselines baselines = new Baselines(Baselines.Settings.DEFAULTS);
        for (int r = 0; r < resources; r++) {
            String resource = "service:r" + r;
            for (String metric : metrics) {
                baselines.observe(new Signal("default", resource, metric, 1, 1, null, null, Map.of(), 0));
            }
        }
        baselines.drainChanged();
        long after = usedAfterGc();
        long bytes = after - before;
        System.out.printf("    memory: %,d series (%,d resources × %d metrics) hold %,.1f MB: %,d bytes per series "
                + "(the resource names, shared with the engine in the service, included)%n",
                baselines.tracked(), resources, metrics.size(), bytes / 1e6, bytes / baselines.tracked());
        // Kept reachable until measured.
        java.lang.ref.Reference.reachabilityFence(baselines);
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
