package io.homeostat.service.recording;

import java.nio.file.Path;

/** A backtest report as text for the command line. */
public final class BacktestText {
    private BacktestText() {
    }

    public static String render(Backtest.Report report, Path live, Path candidate) {
        StringBuilder out = new StringBuilder();
        out.append("backtest ").append(report.from()).append(" .. ").append(report.to()).append(": ").append(report.signals())
                .append(" recorded signals replayed against ").append(live).append(" (live) and ").append(candidate)
                .append(" (candidate) in ").append(report.replayMillis()).append(" ms; no action was run\n");
        if (report.unreadable() > 0) {
            out.append(report.unreadable()).append(" unreadable lines of the recording were skipped (torn by a crash or a full disk)\n");
        }
        section(out, "issues", report.issues());
        section(out, "decisions", report.decisions());
        return out.toString();
    }

    private static void section(StringBuilder out, String what, Backtest.Diff diff) {
        out.append(what).append(": live ").append(diff.baseline()).append(", candidate ").append(diff.candidate()).append("; added ")
                .append(diff.added()).append(", removed ").append(diff.removed()).append(", changed ").append(diff.changed()).append('\n');
        diff.addedExamples().forEach(example -> out.append("  + ").append(example).append('\n'));
        diff.removedExamples().forEach(example -> out.append("  - ").append(example).append('\n'));
        diff.changedExamples().forEach(example -> out.append("  ~ ").append(example).append('\n'));
    }
}
