package io.homeostat.service.rules;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import io.homeostat.service.engine.Engine;
import io.homeostat.service.engine.RuleBase;
import io.homeostat.service.engine.RuleBaseCompiler;
import io.homeostat.service.engine.RuleBaseCompiler.RuleSource;
import io.homeostat.service.engine.RuleCompilationException;
import io.homeostat.service.engine.RuleProblem;
import io.homeostat.service.model.RuleVersionRecord;
import io.homeostat.service.store.Page;
import io.homeostat.service.store.RuleVersionStore;
import io.homeostat.service.watch.DirectoryWatcher;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live rule set: watches the rules directory, compiles a change off the engine thread,
 * rejects a broken edit with every problem (the last good rules keep running), and otherwise has
 * the engine swap to the new rules between two batches. Every accepted version is recorded with
 * its files; {@link #rollback} writes the previous one back to disk and loads it.
 */
public final class RuleSet implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(RuleSet.class);
    private static final Duration SWAP_WAIT = Duration.ofSeconds(60);

    /** A rejected edit: when, why it was tried, and every problem. */
    public record Rejection(Instant at, String cause, List<RuleProblem> problems) {
    }

    /** What the service runs now, and the last rejected edit since then (null when none: not degraded). */
    public record Status(String version, int ruleCount, List<String> files, Instant loadedAt, String cause, Rejection rejected) {
        public boolean isDegraded() {
            return rejected != null;
        }
    }

    /** What a reload, validation or rollback did: {@code applied}, {@code unchanged}, {@code rejected} or {@code valid}. */
    public record Outcome(String result, String version, int ruleCount, List<RuleProblem> problems, Long swapMillis) {
    }

    private final Path directory;
    private final RuleBaseCompiler compiler;
    private final Engine engine;
    private final RuleVersionStore versions;
    private final MetricRegistry metrics;
    private final Clock clock;
    private final Duration debounce;
    private final boolean watch;
    private volatile Status status;
    private Rejection rejectedAtStart;
    private DirectoryWatcher watcher;

    public RuleSet(Path directory, RuleBaseCompiler compiler, Engine engine, RuleVersionStore versions, MetricRegistry metrics,
                   Clock clock, Duration debounce, boolean watch) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.compiler = Objects.requireNonNull(compiler, "compiler");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.versions = Objects.requireNonNull(versions, "versions");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.debounce = Objects.requireNonNull(debounce, "debounce");
        this.watch = watch;
        metrics.gauge("homeostat.rules.degraded", () -> () -> status != null && status.isDegraded() ? 1 : 0);
    }

    /** The files on disk did not compile at start-up and the last accepted version serves: degraded until they are fixed. */
    public void rejectedAtStart(List<RuleProblem> problems) {
        this.rejectedAtStart = new Rejection(clock.instant(), "start-up: the files on disk do not compile; the last accepted version serves",
                List.copyOf(problems));
    }

    /** Records the rule base the service started with (when it differs from the last recorded one) and starts watching. */
    @Override
    public void start() throws IOException, RuleCompilationException {
        RuleBase running = engine.ruleBase();
        Optional<RuleVersionRecord> latest = versions.list(1, false).stream().findFirst();
        if (latest.isEmpty() || !latest.get().version().equals(running.version())) {
            record(running, "start-up", null);
        }
        status = new Status(running.version(), running.ruleCount(), running.files(), clock.instant(), "start-up", rejectedAtStart);
        if (!watch) {
            return;
        }
        watcher = new DirectoryWatcher("rules", directory, List.of(".drl", ".csv"), debounce, files -> reload("file change: " + files), () -> { },
                true);
        watcher.start();
    }

    @Override
    public void stop() throws IOException, InterruptedException {
        if (watcher != null) {
            watcher.stop();
        }
    }

    public Status status() {
        return status;
    }

    public Page<RuleVersionRecord> versions(int limit, int offset) {
        return versions.page(limit, offset);
    }

    /** Compiles the directory and, when it changed and compiles, swaps it in. */
    public synchronized Outcome reload(String cause) {
        Status current = status;
        RuleBase next;
        try {
            List<RuleSource> sources = RuleBaseCompiler.read(directory);
            // The same files as what runs (an editor touching a file, a rollback's own write): nothing to compile.
            if (RuleBaseCompiler.version(sources).equals(current.version())) {
                status = new Status(current.version(), current.ruleCount(), current.files(), current.loadedAt(), current.cause(), null);
                if (current.isDegraded()) {
                    LOG.info("rules no longer DEGRADED: the rejected edit is gone and the files are {} again ({})",
                            current.version().substring(0, 12), cause);
                }
                metrics.counter("homeostat.rules.reloads.unchanged").inc();
                return new Outcome("unchanged", current.version(), current.ruleCount(), List.of(), null);
            }
            next = compiler.compile(sources);
        } catch (RuleCompilationException e) {
            return reject(cause, e.problems());
        } catch (IOException e) {
            return reject(cause, List.of(new RuleProblem(directory.toString(), 0, 0, "cannot read the rules: " + e.getMessage())));
        }
        Duration took;
        try {
            took = engine.requestSwap(next).get(SWAP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.error("rules {} compiled but could not be swapped in ({}); still running {}", next.shortVersion(), cause,
                    current.version(), e);
            return reject(cause, List.of(new RuleProblem("(engine)", 0, 0, "the engine could not swap to the new rules: " + e)));
        }
        record(next, cause, took.toMillis());
        status = new Status(next.version(), next.ruleCount(), next.files(), clock.instant(), cause, null);
        metrics.counter("homeostat.rules.reloads.applied").inc();
        LOG.info("rules {} ({} rules) applied: {}; the engine paused {} ms", next.shortVersion(), next.ruleCount(), cause, took.toMillis());
        if (current.isDegraded()) {
            LOG.info("rules no longer DEGRADED: {} replaced the rejected edit", next.shortVersion());
        }
        return new Outcome("applied", next.version(), next.ruleCount(), List.of(), took.toMillis());
    }

    /** Compiles a candidate set of files without applying it. */
    public Outcome validate(List<RuleSource> candidate) {
        try {
            RuleBase compiled = compiler.compile(candidate);
            return new Outcome("valid", compiled.version(), compiled.ruleCount(), List.of(), null);
        } catch (RuleCompilationException e) {
            return new Outcome("rejected", null, 0, e.problems(), null);
        }
    }

    /**
     * Returns to the previous version: writes it back to the rules directory and loads it. Empty
     * when there is no earlier version. See {@link #writePrevious} for which version that is.
     */
    public synchronized Optional<Outcome> rollback(String by) throws IOException, RuleCompilationException {
        Optional<RuleVersionRecord> previous = writePrevious(directory, versions);
        if (previous.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(reload("rollback by " + by + " to " + previous.get().version().substring(0, 12)));
    }

    /**
     * Writes back the newest accepted version whose content differs from what the directory holds
     * now: after a rejected (broken) edit that is the version still running; otherwise the one
     * accepted before it. Also what the {@code rules rollback} command does, with or without a
     * running service (a running one picks the files up through its watcher).
     */
    public static Optional<RuleVersionRecord> writePrevious(Path directory, RuleVersionStore versions)
            throws IOException, RuleCompilationException {
        String onDisk = RuleBaseCompiler.version(RuleBaseCompiler.read(directory));
        Optional<RuleVersionRecord> previous = versions.list(200, false).stream()
                .filter(version -> !version.version().equals(onDisk)).findFirst()
                .flatMap(version -> versions.find(version.id()));
        if (previous.isPresent()) {
            RuleFiles.writeExactly(directory, previous.get().files());
        }
        return previous;
    }

    private Outcome reject(String cause, List<RuleProblem> problems) {
        Status current = status;
        status = new Status(current.version(), current.ruleCount(), current.files(), current.loadedAt(), current.cause(),
                new Rejection(clock.instant(), cause, problems));
        metrics.counter("homeostat.rules.reloads.rejected").inc();
        LOG.error("rejected a rules edit ({}); still running {}:\n  {}", cause, current.version().substring(0, 12),
                String.join("\n  ", problems.stream().map(RuleProblem::toString).toList()));
        return new Outcome("rejected", current.version(), current.ruleCount(), problems, null);
    }

    private void record(RuleBase ruleBase, String cause, Long swapMillis) {
        try {
            versions.insert(new RuleVersionRecord(UUID.randomUUID().toString(), ruleBase.version(), RuleFiles.asMap(ruleBase.sources()),
                    ruleBase.ruleCount(), cause, swapMillis, clock.instant()));
        } catch (RuntimeException e) {
            // The rules run either way; a missing history entry must not undo a good reload.
            LOG.error("could not record rule version {}", ruleBase.shortVersion(), e);
        }
    }

    /** The files of a map, as rule sources (validation requests). */
    public static List<RuleSource> sources(Map<String, String> files) {
        return files.entrySet().stream().map(file -> new RuleSource(file.getKey(), file.getValue())).toList();
    }
}
