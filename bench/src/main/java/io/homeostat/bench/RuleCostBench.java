package io.homeostat.bench;

import io.homeostat.service.engine.EngineSession;
import io.homeostat.service.engine.RuleBase;
import io.homeostat.service.engine.RuleBaseCompiler;
import java.nio.file.Path;
import java.util.List;

/**
 * What a rule change costs: (a), insert + fire in the production session, for a baseline rules
 * directory and the current one, round by round in turn, on two signal mixes: the default four
 * metrics of (a), and a catalogue mix in which half the readings are metrics only the issue
 * catalogue's rules read (latency, error rate, heartbeats, health checks, ...), so that those rules
 * do their work. Ratios are current / baseline within the run.
 */
final class RuleCostBench {
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 4);

    private RuleCostBench() {
    }

    static void run(Path baseline, Path current, int signals, int resources) throws Exception {
        RuleBase before = new RuleBaseCompiler().compile(baseline);
        RuleBase after = new RuleBaseCompiler().compile(current);
        System.out.printf("rule cost: baseline %s (%d rules) against current %s (%d rules), %d rounds of %,d signals over %,d resources%n",
                baseline, before.ruleCount(), current, after.ruleCount(), ROUNDS, signals, resources);
        String mixes = System.getProperty("bench.mixes", "default,catalogue");
        for (boolean catalogue : new boolean[] {false, true}) {
            if (!mixes.contains(catalogue ? "catalogue" : "default")) {
                continue;
            }
            double[] a = new double[ROUNDS];
            double[] b = new double[ROUNDS];
            try (EngineSession old = Bench.baselineSession(before); EngineSession now = Bench.baselineSession(after)) {
                List<SignalMix.Reading> warmup = mix(catalogue, 100_000, resources, 1);
                Bench.feed(old, warmup);
                Bench.feed(now, warmup);
                for (int round = 0; round < ROUNDS; round++) {
                    List<SignalMix.Reading> measured = mix(catalogue, signals, resources, 10 + round);
                    // Which goes first alternates: the first of a pair measured up to a third slower in A/A runs.
                    if (round % 2 == 0) {
                        a[round] = Bench.inProcess(old, measured);
                        b[round] = Bench.inProcess(now, measured);
                    } else {
                        b[round] = Bench.inProcess(now, measured);
                        a[round] = Bench.inProcess(old, measured);
                    }
                    System.out.printf("    %s mix, round %d: baseline %,10.0f  current %,10.0f  current/baseline %.2f%n",
                            catalogue ? "catalogue" : "default  ", round + 1, a[round], b[round], b[round] / a[round]);
                }
            }
            System.out.printf("(a) %s mix: baseline %,10.0f, current %,10.0f signals/s (medians); current/baseline %.2f%n",
                    catalogue ? "catalogue" : "default", Bench.median(a), Bench.median(b), Bench.median(b) / Bench.median(a));
        }
    }

    private static List<SignalMix.Reading> mix(boolean catalogue, int count, int resources, long seed) {
        return catalogue ? SignalMix.catalogue(count, resources, seed) : SignalMix.generate(count, resources, seed);
    }
}
