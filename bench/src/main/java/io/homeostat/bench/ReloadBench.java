package io.homeostat.bench;

import io.homeostat.service.engine.EngineSession;
import io.homeostat.service.engine.RuleBase;
import io.homeostat.service.engine.RuleBaseCompiler;
import io.homeostat.service.engine.RuleBaseCompiler.RuleSource;
import io.homeostat.service.engine.facts.Signal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * (e) Rule reloads: how long the shipped rules and a generated 200-rule base take to compile (off
 * the engine thread), how long the engine pauses to carry a loaded session over to new rules, and
 * whether any accepted signal is lost while files change under load.
 */
final class ReloadBench {
    private ReloadBench() {
    }

    static void run(Path rules, EngineSession loaded, Path work, Path plugins, double rate) throws Exception {
        RuleBaseCompiler compiler = new RuleBaseCompiler();
        List<RuleSource> shipped = RuleBaseCompiler.read(rules);
        List<RuleSource> large = new ArrayList<>(shipped);
        large.add(new RuleSource("generated.drl", generated(200)));
        double shippedMillis = medianMillis(() -> compiler.compile(shipped), 5);
        RuleBase big = compiler.compile(large);
        double largeMillis = medianMillis(() -> compiler.compile(large), 3);
        System.out.printf("(e) compile, off the engine thread: shipped rules (%d) %.0f ms, with 200 generated rules (%d) %.0f ms (medians)%n",
                compiler.compile(shipped).ruleCount(), shippedMillis, big.ruleCount(), largeMillis);

        long facts = loaded.factCount();
        long signals = loaded.facts(Signal.class).size();
        long start = System.nanoTime();
        EngineSession next = loaded.successor(big);
        loaded.fire();
        next.fire();
        double swapMillis = (System.nanoTime() - start) / 1e6;
        next.close();
        System.out.printf("    engine pause to carry a session of %,d facts (%,d live signals) over to the 200-rule base: %.0f ms%n",
                facts, signals, swapMillis);

        Path copy = Files.createDirectories(work.resolve("rules"));
        try (Stream<Path> files = Files.list(rules)) {
            for (Path file : files.filter(path -> RuleBaseCompiler.isRuleFile(path.getFileName().toString())).toList()) {
                Files.copy(file, copy.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try (Bench.RunningApp app = Bench.RunningApp.start(work.resolve("app"), copy, plugins)) {
            List<SignalMix.Reading> readings = SignalMix.generate((int) Math.max(100_000, rate * 20), 5_000, 7);
            List<String> bodies = SignalMix.batches(readings, 1_000);
            AtomicBoolean sending = new AtomicBoolean(true);
            long before = app.evaluated();
            Thread sender = new Thread(() -> {
                long interval = (long) (1_000 / rate * 1e9);
                long due = System.nanoTime();
                for (String body : bodies) {
                    if (!sending.get()) {
                        return;
                    }
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    app.postUntilAccepted(body);
                    due += interval;
                }
            });
            sender.start();
            int edits = 0;
            Path edited = copy.resolve("high-cpu.drl");
            String original = Files.readString(edited);
            while (sender.isAlive() && edits < 8) {
                Thread.sleep(1_500);
                Files.writeString(edited, original + "\n// edit " + (++edits) + "\n");
            }
            sender.join();
            sending.set(false);
            Thread.sleep(1_000);
            long sent = readings.size();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (app.evaluated() - before < sent && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long evaluated = app.evaluated() - before;
            com.codahale.metrics.Snapshot swaps = app.timer("homeostat.rules.swap").getSnapshot();
            System.out.printf("    under load (%,.0f signals/s, %d file edits): %d reloads applied, engine pause median %.0f ms, max %.0f ms;"
                            + " %,d accepted, %,d evaluated, lost %,d%n", rate, edits, app.counter("homeostat.rules.reloads.applied"),
                    swaps.getMedian() / 1e6, swaps.getMax() / 1e6, sent, evaluated, sent - evaluated);
        }
    }

    private interface Build {
        Object run() throws Exception;
    }

    private static double medianMillis(Build build, int times) throws Exception {
        double[] millis = new double[times];
        for (int i = 0; i < times; i++) {
            long start = System.nanoTime();
            build.run();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return millis[times / 2];
    }

    /** {@code count} threshold rules over their own metrics, in the shape of the shipped ones. */
    static String generated(int count) {
        StringBuilder drl = new StringBuilder("package homeostat.rules.generated;\nimport io.homeostat.service.engine.facts.*;\n");
        for (int i = 0; i < count; i++) {
            drl.append("""
                    rule "generated %1$d: gen.metric.%1$d above %2$d"
                    when
                        $s : Signal( metric == "gen.metric.%1$d", value > %2$d, $t : tenant, $r : resource )
                        not Issue( tenant == $t, resource == $r, type == "generated_%1$d", active || lastClearAt >= $s.time )
                    then
                        insert( new Issue( $t, $r, "generated_%1$d", Severity.LOW, "generated", $s.getTime(),
                                           drools.getRule().getName(), "generated" ) );
                    end
                    """.formatted(i, 50 + i % 40));
        }
        return drl.toString();
    }
}
