package io.homeostat.bench;

import io.homeostat.service.engine.RuleBaseCompiler;
import io.homeostat.service.engine.RuleBaseCompiler.RuleSource;
import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.recording.Backtest;
import io.homeostat.service.recording.SignalLines;
import io.homeostat.service.recording.SignalRecorder;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * (f) Backtest: 24 hours of recorded history at 100 signals/s (1,000 resources reporting every
 * 10 s, the bench's signal mix) replayed against the shipped rules and a candidate with another
 * CPU threshold, both replays in parallel. The requirement is under a minute on this machine.
 */
final class BacktestBench {
    private BacktestBench() {
    }

    static void run(Path rules, Path work) throws Exception {
        Path journal = Files.createDirectories(work.resolve("signals"));
        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        int perSecond = 100;
        int hours = Integer.getInteger("bench.backtest.hours", 24);
        List<SignalMix.Reading> fleet = SignalMix.generate(perSecond * 10, 1_000, 21);
        long written = 0;
        long started = System.nanoTime();
        StringBuilder lines = new StringBuilder(1 << 16);
        for (int hour = 0; hour < hours; hour++) {
            long hourStart = from.toEpochMilli() + hour * 3_600_000L;
            Path file = journal.resolve("signals-" + SignalRecorder.HOUR.format(Instant.ofEpochMilli(hourStart)) + ".tsv");
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (int second = 0; second < 3_600; second++) {
                    long at = hourStart + second * 1_000L;
                    lines.setLength(0);
                    // Each second a tenth of the fleet reports, so every resource reports every 10 s.
                    for (int i = 0; i < perSecond; i++) {
                        SignalMix.Reading reading = fleet.get((second % 10) * perSecond + i);
                        SignalLines.write(lines, at, new Signal("default", reading.resource(), reading.metric(), reading.value(), at,
                                null, "bench", Map.of(), 0));
                    }
                    out.append(lines);
                    written += perSecond;
                }
            }
        }
        double writeSeconds = (System.nanoTime() - started) / 1e9;
        List<RuleSource> candidate = new ArrayList<>();
        for (RuleSource source : RuleBaseCompiler.read(rules)) {
            candidate.add(source.name().equals("thresholds.csv")
                    ? new RuleSource(source.name(), source.content().replace("cpu.utilization,> 85", "cpu.utilization,> 80")
                            .replace("cpu.utilization,<= 85", "cpu.utilization,<= 80"))
                    : source);
        }
        RuleBaseCompiler compiler = new RuleBaseCompiler();
        List<AvailableAction> actions = List.of(new AvailableAction("process.restart", "process", "MEDIUM", 1, false, Set.of(), 0.7),
                new AvailableAction("http.call", "http", "MEDIUM", 1, true, Set.of(), 0.6));
        Backtest.Report report = Backtest.run(compiler.compile(rules), compiler.compile(candidate), PolicySettings.defaults(), actions,
                journal, from, from.plusSeconds(hours * 3_600L));
        long single = System.nanoTime();
        Backtest.Replay alone = Backtest.replay(compiler.compile(candidate), PolicySettings.defaults(), actions, journal, from,
                from.plusSeconds(hours * 3_600L));
        double singleSeconds = (System.nanoTime() - single) / 1e9;
        System.out.printf("    one replay alone (the candidate, as when comparing with stored live decisions): %.1f s (%,.0f signals/s)%n",
                singleSeconds, alone.signals() / singleSeconds);
        System.out.printf("(f) backtest of %d h at %d signals/s (%,d recorded signals, written in %.0f s): both replays in %.1f s "
                        + "(%,.0f signals/s each); issues live %d, candidate %d (+%d −%d); decisions +%d −%d ~%d%n",
                hours, perSecond, written, writeSeconds, report.replayMillis() / 1e3, report.signals() / (report.replayMillis() / 1e3),
                report.issues().baseline(), report.issues().candidate(), report.issues().added(), report.issues().removed(),
                report.decisions().added(), report.decisions().removed(), report.decisions().changed());
    }
}
