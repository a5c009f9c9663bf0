package io.homeostat.bench;

import io.homeostat.service.engine.EngineSession;
import io.homeostat.service.engine.RuleBase;
import io.homeostat.service.engine.RuleBaseCompiler;
import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.Signal;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * (g) The engine's live heap in steady state: a session on the shipped rules fed for 16 minutes of
 * pseudo time (longer than a signal's 15-minute lifetime) at a given rate over a given fleet, then
 * the heap after full collections, minus the same session empty. Two rates at one fleet size give
 * the bytes per live signal; two fleet sizes at one rate give the bytes per tracked series. From
 * those, the sizing rule in docs/OPERATIONS.md.
 */
final class MemoryBench {
    private static final int MINUTES = 16;

    private MemoryBench() {
    }

    static void run(Path rules) throws Exception {
        RuleBase ruleBase = new RuleBaseCompiler().compile(rules);
        int[][] cases = {{1_000, 1_000}, {1_000, 4_000}, {10_000, 1_000}};
        long[] bytes = new long[cases.length];
        for (int i = 0; i < cases.length; i++) {
            bytes[i] = liveBytes(ruleBase, cases[i][0], cases[i][1]);
            long live = (long) cases[i][1] * Signal.LIFETIME.toSeconds();
            System.out.printf("    %,6d resources (%,7d series), %,5d signals/s (%,9d live signals): %,6.1f MB live heap%n",
                    cases[i][0], cases[i][0] * 4, cases[i][1], live, bytes[i] / 1e6);
        }
        double perSignal = (bytes[1] - bytes[0]) / (double) ((cases[1][1] - cases[0][1]) * Signal.LIFETIME.toSeconds());
        double perSeries = (bytes[2] - bytes[0]) / (double) ((cases[2][0] - cases[0][0]) * 4);
        System.out.printf("(g) live heap: %.0f bytes per live signal (held %d min), %.0f bytes per tracked series%n", perSignal,
                Signal.LIFETIME.toMinutes(), perSeries);
    }

    /** The live heap a session holds after {@link #MINUTES} minutes at {@code rate} over {@code resources} resources. */
    private static long liveBytes(RuleBase ruleBase, int resources, int rate) throws InterruptedException {
        List<SignalMix.Reading> mix = SignalMix.generate(rate * 60, resources, 42);
        long start = System.currentTimeMillis();
        try (EngineSession session = EngineSession.pseudoClock(ruleBase, start)) {
            session.setPolicy(PolicySettings.builder().autonomyStartIn(io.homeostat.service.engine.facts.AutonomyMode.AUTO).build());
            session.setAvailableActions(List.of(new AvailableAction("process.restart", "process", "MEDIUM", 1, false, Set.of(), 0.7),
                    new AvailableAction("http.call", "http", "MEDIUM", 1, false, Set.of(), 0.6)));
            session.fire();
            long empty = used();
            for (int second = 0; second < MINUTES * 60; second++) {
                long now = session.now();
                List<Signal> batch = new ArrayList<>(rate);
                int offset = (second % 60) * rate;
                for (int i = 0; i < rate; i++) {
                    batch.add(mix.get(offset + i).signal(now));
                }
                session.insertBatch(batch);
                session.fire();
                session.advance(Duration.ofSeconds(1));
            }
            session.fire();
            return used() - empty;
        }
    }

    private static long used() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }
}
