package io.homeostat.service.recording;

import io.homeostat.service.engine.EngineOutputs;
import io.homeostat.service.engine.SimulatedSession;
import io.homeostat.service.engine.RuleBase;
import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.IssueRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Replays recorded signals against two rule sets — the live rules and a candidate — each on its
 * own pseudo clock that follows the recorded evaluation times, with no action run, and reports how
 * the candidate's issues and decisions differ: added, removed, changed, with counts and examples.
 * The recording is parsed once, on its own thread ({@link ReplayFeed}); the two replays evaluate it
 * in parallel.
 */
public final class Backtest {
    private static final int EXAMPLES = 5;

    /** What one rule set made of the period. */
    public record Replay(long signals, long unreadable, Map<String, Integer> issues, Map<String, List<String>> decisions) {
    }

    /** The differences of one kind of output. */
    public record Diff(int baseline, int candidate, int added, int removed, int changed, List<String> addedExamples,
                       List<String> removedExamples, List<String> changedExamples) {
    }

    /** The whole report. */
    public record Report(Instant from, Instant to, long signals, long unreadable, long replayMillis, Diff issues, Diff decisions) {
    }

    private Backtest() {
    }

    public static Report run(RuleBase baseline, RuleBase candidate, PolicySettings policy, List<AvailableAction> actions, Path journal,
                             Instant from, Instant to) throws Exception {
        long start = System.nanoTime();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (ReplayFeed feed = new ReplayFeed(journal, from, to, 2)) {
            Future<Replay> live = threads.submit(() -> replay(baseline, policy, actions, feed, 0, from, to));
            Future<Replay> next = threads.submit(() -> replay(candidate, policy, actions, feed, 1, from, to));
            Replay a = live.get();
            Replay b = next.get();
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            return new Report(from, to, a.signals(), a.unreadable(), millis, diffCounts(a.issues(), b.issues()), diffOutcomes(a.decisions(), b.decisions()));
        } finally {
            threads.shutdownNow();
        }
    }

    /** Replays the recording against one rule set. */
    public static Replay replay(RuleBase rules, PolicySettings policy, List<AvailableAction> actions, Path journal, Instant from, Instant to)
            throws IOException, InterruptedException {
        try (ReplayFeed feed = new ReplayFeed(journal, from, to, 1)) {
            return replay(rules, policy, actions, feed, 0, from, to);
        }
    }

    private static Replay replay(RuleBase rules, PolicySettings policy, List<AvailableAction> actions, ReplayFeed feed, int consumer,
                                 Instant from, Instant to) throws IOException, InterruptedException {
        Map<String, Integer> issues = new TreeMap<>();
        Map<String, List<String>> decisions = new TreeMap<>();
        Map<String, String> seenIssues = new HashMap<>();
        try (SimulatedSession session = new SimulatedSession(rules, from.toEpochMilli(), policy, actions,
                outputs -> collect(outputs, issues, decisions, seenIssues))) {
            for (ReplayFeed.Batch batch = feed.next(consumer); batch != null; batch = feed.next(consumer)) {
                for (int i = 0; i < batch.size(); i++) {
                    long evaluatedAt = batch.evaluatedAt()[i];
                    if (evaluatedAt > session.now()) {
                        session.fire();
                        session.advanceTo(evaluatedAt);
                    }
                    session.insert(batch.signals()[i]);
                }
            }
            session.fire();
            session.advanceTo(to.toEpochMilli());
            return new Replay(feed.count(), feed.unreadable(), issues, decisions);
        }
    }

    private static void collect(EngineOutputs outputs, Map<String, Integer> issues, Map<String, List<String>> decisions,
                                Map<String, String> seenIssues) {
        for (IssueRecord issue : outputs.issues()) {
            if (seenIssues.putIfAbsent(issue.id(), issue.type()) == null) {
                issues.merge(issue.type() + " on " + issue.resource() + " (" + issue.tenant() + ")", 1, Integer::sum);
            }
        }
        for (DecisionRecord decision : outputs.decisions()) {
            decisions.computeIfAbsent(decision.actionId() + " for " + decision.issueType() + " on " + decision.resource()
                    + " (" + decision.tenant() + ")", key -> new ArrayList<>()).add(decision.outcome());
        }
    }

    static Diff diffCounts(Map<String, Integer> baseline, Map<String, Integer> candidate) {
        return diff(baseline, candidate, count -> count > 1 ? " ×" + count : "", Integer::intValue);
    }

    static Diff diffOutcomes(Map<String, List<String>> baseline, Map<String, List<String>> candidate) {
        return diff(baseline, candidate, outcomes -> ": " + outcomes, List::size);
    }

    /** Keys only the candidate has are added, only the baseline removed, in both but different changed. */
    private static <T> Diff diff(Map<String, T> baseline, Map<String, T> candidate, java.util.function.Function<T, String> show,
                                 java.util.function.ToIntFunction<T> weight) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(baseline.keySet());
        keys.addAll(candidate.keySet());
        for (String key : keys) {
            T a = baseline.get(key);
            T b = candidate.get(key);
            if (a == null) {
                added.add(key + show.apply(b));
            } else if (b == null) {
                removed.add(key + show.apply(a));
            } else if (!a.equals(b)) {
                changed.add(key + ": " + a + " → " + b);
            }
        }
        return new Diff(baseline.values().stream().mapToInt(weight).sum(), candidate.values().stream().mapToInt(weight).sum(),
                added.size(), removed.size(), changed.size(), first(added), first(removed), first(changed));
    }

    private static List<String> first(List<String> items) {
        return List.copyOf(items.subList(0, Math.min(EXAMPLES, items.size())));
    }
}
