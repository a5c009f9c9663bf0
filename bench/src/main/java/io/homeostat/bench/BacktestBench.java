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
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * (f) Backtest: 24 hours of recorded history at 100 signals/s (1,000 resources reporting every
 * 10 s, the bench's signal mix) replayed by {@code scripts/run rules backtest} against the shipped
 * rules and a candidate whose CPU threshold is 95 % instead of 85 %, timed from the command's start to its exit.
 * The requirement is under a minute on this machine. The in-process baseline of the same run is one
 * replay of the candidate in the bench's JVM.
 */
final class BacktestBench {
    private BacktestBench() {
    }

    static void run(Path rules, Path plugins, Path work) throws Exception {
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
        Path candidate = Files.createDirectories(work.resolve("candidate"));
        for (RuleSource source : RuleBaseCompiler.read(rules)) {
            Files.writeString(candidate.resolve(source.name()), source.name().equals("thresholds.csv")
                    ? source.content().replace("cpu.utilization,above,85,", "cpu.utilization,above,95,")
                    : source.content());
        }
        Instant to = from.plusSeconds(hours * 3_600L);

        // The baseline, in this JVM: one replay of the candidate, what either replay of the command costs alone.
        List<AvailableAction> actions = List.of(new AvailableAction("process.restart", "process", "MEDIUM", 1, false, Set.of(), 0.7),
                new AvailableAction("http.call", "http", "MEDIUM", 1, true, Set.of(), 0.6));
        long single = System.nanoTime();
        Backtest.Replay alone = Backtest.replay(new RuleBaseCompiler().compile(candidate), PolicySettings.builder().autonomyStartIn(io.homeostat.service.engine.facts.AutonomyMode.AUTO).build(), actions, journal, from, to);
        double singleSeconds = (System.nanoTime() - single) / 1e9;

        // The requirement is on what an operator runs: the command, in its own JVM, start to finish.
        ProcessBuilder command = new ProcessBuilder("scripts/run", "rules", "backtest", "--rules", candidate.toString(), "--from", from.toString(),
                "--to", to.toString(), "config.yml").redirectErrorStream(true);
        command.environment().put("HOMEOSTAT_RULES_DIR", rules.toAbsolutePath().toString());
        command.environment().put("HOMEOSTAT_PLUGINS_DIR", plugins.toAbsolutePath().toString());
        command.environment().put("HOMEOSTAT_RECORDING_DIR", journal.toAbsolutePath().toString());
        long commandStarted = System.nanoTime();
        Process process = command.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        double commandSeconds = (System.nanoTime() - commandStarted) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException("rules backtest exited " + exit + ":\n" + output);
        }
        output.lines().filter(line -> line.startsWith("backtest ") || line.startsWith("issues:") || line.startsWith("decisions:")
                || line.startsWith("  ")).forEach(line -> System.out.println("    | " + line));
        System.out.printf("    in this JVM, one replay of the candidate alone: %.1f s (%,.0f signals/s)%n", singleSeconds,
                alone.signals() / singleSeconds);
        System.out.printf("(f) backtest of %d h at %d signals/s (%,d recorded signals, written in %.0f s): scripts/run rules backtest "
                + "(both replays, JVM start to exit) %.1f s; ratio to one in-process replay %.2f%n", hours, perSecond, written, writeSeconds,
                commandSeconds, commandSeconds / singleSeconds);
    }
}
