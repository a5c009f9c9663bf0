package io.homeostat.service.engine;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.dropwizard.lifecycle.Managed;
import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.inbox.EngineInput;
import io.homeostat.service.inbox.Inbox;
import io.homeostat.service.inbox.SignalQueue;
import io.homeostat.service.retry.Backoff;
import io.homeostat.service.retry.FailureLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import java.util.function.ObjLongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine thread: the only thread that touches the KieSession. It drains the signal queue in
 * batches (insert the batch, fire all rules), feeds remediation outcomes back in, and hands each
 * batch's outputs to the {@link EngineOutputHandler} (in the service, the outbox, which journals
 * them and returns: the engine does not wait for the database). It wakes at least every tick so
 * that timers and window edges take effect when no signal arrives.
 */
public final class Engine implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    /** Handing a batch's outputs over is retried however long it fails (the lag gate refuses intake meanwhile): they cannot be dropped. */
    private static final Backoff OUTPUT_RETRY = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofDays(36_500));

    private volatile RuleBase ruleBase;
    private final AtomicReference<PendingSwap> pendingSwap = new AtomicReference<>();
    private final Inbox inbox;
    private final SignalQueue queue;
    private final EngineOutputHandler handler;
    private final BaselineSink baselineSink;
    /** Engine-thread state that outlives sessions; read by gauges from other threads (a stale count is fine). */
    private final Baselines baselines;
    private final Projections projections;
    private long baselinesCheckpointedAt = System.currentTimeMillis();
    private final Supplier<List<AvailableAction>> actions;
    private final LongFunction<RestoredState> restore;
    private final ObjLongConsumer<List<Signal>> recorder;
    private final Thread.UncaughtExceptionHandler whenDead;
    private final EngineSettings settings;
    private final Timer batchTimer;
    private final Meter evaluated;
    private final Counter ruleErrors;
    private final Counter inputErrors;
    private final Counter outputRetries;
    private final Timer swapTimer;
    private final Timer lagTimer;
    private final Counter watchdogHalts;
    private final FailureLog outputFailures = new FailureLog(LOG);
    /** Outcomes a restart derived (reconciled attempts, rollbacks to ask again): the first iteration inserts them. */
    private final List<Object> restoredEvents = new ArrayList<>();
    private volatile boolean running;
    private volatile boolean actionsChanged;
    private volatile EvaluationListener listener = EvaluationListener.NONE;
    /** The inputs the current batch took, for the listener. */
    private final List<EngineInput> taken = new ArrayList<>();
    /** Policy numbers and windows from a configuration reload, for the engine thread to take before its next batch. */
    private final AtomicReference<PendingSettings> pendingSettings = new AtomicReference<>();

    private record PendingSettings(io.homeostat.service.engine.facts.PolicySettings policy, List<WindowSchedule> windows) {
    }
    private volatile long lastLoopNanos = System.nanoTime();
    private Thread thread;
    /** Volatile for the watchdog, which halts it from its own thread; only the engine thread replaces it. */
    private volatile EngineSession session;
    /** When the current insert-and-fire began (System.nanoTime), 0 between them: what the watchdog times. */
    private volatile long firingSinceNanos;
    private java.util.concurrent.ScheduledExecutorService watchdog;

    /**
     * @param inbox where signals and every other input come from; the engine thread alone drains it
     * @param handler who takes each batch's outputs (the outbox)
     * @param actions the loaded plugins' actions, read again after {@link #refreshActions}
     * @param restore where the session's state comes from at start (the store, after a restart)
     * @param recorder who keeps each evaluated batch (signal recording for backtests); on the engine thread, must not block
     * @param whenDead what happens when the engine thread dies of an Error no iteration catches, or the
     *     watchdog finds it stuck beyond halting (the service exits)
     */
    public Engine(RuleBase ruleBase, Inbox inbox, EngineOutputHandler handler, Supplier<List<AvailableAction>> actions,
                  LongFunction<RestoredState> restore, ObjLongConsumer<List<Signal>> recorder, Thread.UncaughtExceptionHandler whenDead,
                  EngineSettings settings, BaselineSink baselineSink, MetricRegistry metrics) {
        this.ruleBase = Objects.requireNonNull(ruleBase, "ruleBase");
        this.inbox = Objects.requireNonNull(inbox, "inbox");
        this.queue = inbox.signals();
        this.handler = Objects.requireNonNull(handler, "handler");
        this.actions = Objects.requireNonNull(actions, "actions");
        this.restore = Objects.requireNonNull(restore, "restore");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.whenDead = Objects.requireNonNull(whenDead, "whenDead");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.baselineSink = Objects.requireNonNull(baselineSink, "baselineSink");
        this.baselines = new Baselines(settings.baselines());
        this.projections = new Projections(settings.projections());
        metrics.gauge("homeostat.projections.tracked", () -> projections::tracked);
        metrics.gauge("homeostat.projections.refused", () -> projections::refused);
        metrics.gauge("homeostat.baselines.tracked", () -> baselines::tracked);
        metrics.gauge("homeostat.baselines.refused", () -> baselines::refused);
        // Every batch of the last minute, not a sample: its max is the engine's longest batch, the stall an operator looks for.
        this.batchTimer = metrics.timer("homeostat.engine.batch",
                () -> new com.codahale.metrics.Timer(new com.codahale.metrics.SlidingTimeWindowArrayReservoir(1, java.util.concurrent.TimeUnit.MINUTES)));
        this.evaluated = metrics.meter("homeostat.signals.evaluated");
        this.ruleErrors = metrics.counter("homeostat.engine.rule_errors");
        this.inputErrors = metrics.counter("homeostat.engine.input_errors");
        this.outputRetries = metrics.counter("homeostat.engine.output_retries");
        this.swapTimer = metrics.timer("homeostat.rules.swap");
        this.lagTimer = metrics.timer("homeostat.engine.evaluation_lag");
        this.watchdogHalts = metrics.counter("homeostat.engine.watchdog_halts");
    }

    /** A rule base waiting to be swapped in by the engine thread, and who waits for the swap. */
    private record PendingSwap(RuleBase next, CompletableFuture<Duration> done) {
    }

    /**
     * Asks the engine thread to carry its session over to {@code next} rules between two batches:
     * no accepted signal is skipped (the queue is untouched), and facts, gate state, windows and
     * timers carry over ({@link EngineSession#successor}). Completes with how long the swap held
     * the engine; a swap requested while another waits replaces it (the newest rules win).
     */
    public CompletableFuture<Duration> requestSwap(RuleBase next) {
        PendingSwap swap = new PendingSwap(Objects.requireNonNull(next, "next"), new CompletableFuture<>());
        PendingSwap replaced = pendingSwap.getAndSet(swap);
        if (replaced != null) {
            replaced.done().completeExceptionally(new IllegalStateException("replaced by a newer rule base before it was swapped in"));
        }
        return swap.done();
    }

    /** Who hears what each batch evaluated (the Kafka feed, which commits offsets by it); set before {@link #start}. */
    public void listen(EvaluationListener evaluated) {
        this.listener = Objects.requireNonNull(evaluated, "evaluated");
    }

    /** The loaded plugins changed: the engine thread refreshes the {@code AvailableAction} facts before its next batch. */
    public void refreshActions() {
        actionsChanged = true;
    }

    /**
     * New policy numbers and configured windows (a configuration reload): the engine thread puts them in
     * place of the old ones before its next batch, and a later rule reload carries them over.
     */
    public void changeSettings(io.homeostat.service.engine.facts.PolicySettings policy, List<WindowSchedule> windows) {
        pendingSettings.set(new PendingSettings(Objects.requireNonNull(policy, "policy"), List.copyOf(windows)));
    }

    /** The rule base the engine runs now. */
    public RuleBase ruleBase() {
        return ruleBase;
    }

    private void swapIfRequested() {
        PendingSwap swap = pendingSwap.getAndSet(null);
        if (swap == null) {
            return;
        }
        long started = System.nanoTime();
        try {
            EngineSession next = session.successor(swap.next());
            EngineSession previous = session;
            session = next;
            ruleBase = swap.next();
            previous.close();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            swapTimer.update(took);
            LOG.info("rules swapped in: {} ({} rules) in {} ms", ruleBase.shortVersion(), ruleBase.ruleCount(), took.toMillis());
            swap.done().complete(took);
        } catch (RuntimeException e) {
            // The successor was disposed; the old session keeps serving.
            LOG.error("could not carry the session over to rules {}; still running {}", swap.next().shortVersion(),
                    ruleBase.shortVersion(), e);
            swap.done().completeExceptionally(e);
        }
    }






    @Override
    public synchronized void start() {
        session = EngineSession.realTime(ruleBase);
        session.setPolicy(settings.policy());
        session.setAvailableActions(actions.get());
        session.setWindows(settings.windows());
        // Plain facts from here on: a reload's successor carries them over with the rest.
        session.insertAll(settings.dependencies());
        RestoredState restored = restore.apply(session.now());
        baselines.restore(restored.baselines());
        // The projections' points again, from the recorded readings (not into the session: only their series learn).
        restored.projectionHistory().forEach(projections::observe);
        session.useBaselines(baselines);
        session.useProjections(projections);
        session.restore(restored.facts());
        restoredEvents.addAll(restored.events());
        running = true;
        thread = new Thread(this::loop, "homeostat-engine");
        thread.setUncaughtExceptionHandler(whenDead);
        thread.start();
        watchdog = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread watching = new Thread(runnable, "homeostat-engine-watchdog");
            watching.setDaemon(true);
            return watching;
        });
        long period = Math.max(50, settings.maxIterationTime().toMillis() / 10);
        watchdog.scheduleWithFixedDelay(this::watch, period, period, TimeUnit.MILLISECONDS);
        LOG.info("engine started: rules {} ({} rules in {})", ruleBase.shortVersion(), ruleBase.ruleCount(), ruleBase.files());
    }

    /**
     * Closes intake, lets the engine evaluate every signal already accepted (up to the drain
     * timeout), then disposes the session.
     */
    @Override
    public void stop() throws InterruptedException {
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
        queue.close();
        running = false;
        if (thread != null) {
            thread.join(settings.drainTimeout().toMillis());
            if (thread.isAlive()) {
                LOG.warn("engine did not drain {} queued signals within {}; stopping anyway", queue.depth(), settings.drainTimeout());
                thread.interrupt();
                thread.join(5_000);
            }
        }
        synchronized (this) {
            if (session != null) {
                session.close();
                session = null;
            }
        }
    }

    private void loop() {
        List<Signal> batch = new ArrayList<>(settings.maxBatch());
        while (running || queue.depth() > 0 || inbox.hasInputs()) {
            batch.clear();
            try {
                queue.take(batch, settings.maxBatch(), settings.tick().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                swapIfRequested();
                if (actionsChanged) {
                    actionsChanged = false;
                    session.setAvailableActions(actions.get());
                }
                PendingSettings changed = pendingSettings.getAndSet(null);
                if (changed != null) {
                    session.setPolicy(changed.policy());
                    session.setWindows(changed.windows());
                    LOG.info("policy and windows replaced by a configuration reload");
                }
                process(batch);
                checkpointBaselines(false);
            } catch (RuntimeException | StackOverflowError e) {
                // Whatever a rule or fact does (a rule that recurses too deep included), one batch must
                // not end the engine thread; other Errors do, and whenDead decides what follows.
                ruleErrors.inc();
                LOG.error("engine iteration failed on a batch of {} signals; continuing", batch.size(), e);
            } finally {
                // Also after a failed batch: its signals were taken (and counted as a rule error), and a feed waiting to
                // commit past them must not wait forever.
                listener.evaluated(batch, taken);
                taken.clear();
                EngineSession current = session;
                queue.evaluated(current == null ? 0 : current.liveSignals(), current == null ? 0 : current.liveResources(),
                        current == null ? 0 : current.liveAlerts(), baselines.tracked());
            }
            lastLoopNanos = System.nanoTime();
        }
        try {
            checkpointBaselines(true);
        } catch (RuntimeException e) {
            LOG.error("could not hand the baselines over to be stored at stop; the last checkpoint stands", e);
        }
    }

    /**
     * Hands the baselines that changed to be stored, every {@code baselineCheckpoint} (always when
     * {@code last}, the engine stopping). While the sink still writes the last lot, changes keep
     * collecting: none is dropped. On the engine thread.
     */
    private void checkpointBaselines(boolean last) {
        long now = System.currentTimeMillis();
        if (!last && (now - baselinesCheckpointedAt < settings.baselineCheckpoint().toMillis() || !baselineSink.ready())) {
            return;
        }
        baselinesCheckpointedAt = now;
        List<io.homeostat.service.model.BaselineRecord> changed = baselines.drainChanged();
        if (!changed.isEmpty()) {
            baselineSink.write(changed);
        }
    }

    private void process(List<Signal> batch) {
        restoredEvents.forEach(session::insert);
        restoredEvents.clear();
        taken.clear();
        for (EngineInput input = inbox.poll(); input != null; input = inbox.poll()) {
            taken.add(input);
            try {
                if (input instanceof EngineInput.Adopt adopt) {
                    session.restore(adopt.facts());
                    adopt.events().forEach(session::insert);
                    LOG.info("engine adopted {}: {} facts, {} outcomes to hear", adopt.what(), adopt.facts().size(), adopt.events().size());
                    continue;
                }
                if (input instanceof EngineInput.Release release) {
                    release(release);
                    continue;
                }
                InputFacts.of(input, session.now()).forEach(session::insert);
            } catch (RuntimeException e) {
                // One input the rules cannot take (a value a fact refuses) must not cost the others.
                inputErrors.inc();
                LOG.error("an input could not be handed to the rules and was dropped: {}", input, e);
            }
        }
        long oldest = 0;
        for (Signal signal : batch) {
            if (oldest == 0 || signal.getReceivedNanos() < oldest) {
                oldest = signal.getReceivedNanos();
            }
        }
        EngineOutputs outputs;
        Timer.Context timing = batchTimer.time();
        firingSinceNanos = System.nanoTime();
        try {
            session.insertBatch(batch);
            outputs = session.fire(oldest);
        } catch (RuntimeException e) {
            // A consequence threw: report it and keep what the batch produced; the engine goes on.
            ruleErrors.inc();
            LOG.error("a rule failed while evaluating a batch of {} signals", batch.size(), e);
            outputs = session.drainOutputs(oldest);
        } finally {
            firingSinceNanos = 0;
            timing.stop();
        }
        evaluated.mark(batch.size());
        if (oldest != 0) {
            lagTimer.update(System.nanoTime() - oldest, TimeUnit.NANOSECONDS);
        }
        recorder.accept(batch, session.now());
        if (!outputs.isEmpty()) {
            deliver(outputs);
        }
    }

    /** Carries the session over to one without the released resources' facts (as a rule swap, between two batches). */
    private void release(EngineInput.Release release) {
        long started = System.nanoTime();
        long before = session.factCount();
        EngineSession next = session.without(ruleBase, release.resources());
        EngineSession previous = session;
        session = next;
        previous.close();
        LOG.info("engine released {}: {} facts left the session, in {} ms", release.what(), before - next.factCount(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private void deliver(EngineOutputs outputs) {
        int[] triesAfterStop = {0};
        try {
            // Never given up while the service runs (persist-before-act: outputs cannot be dropped); when
            // stopping, a few more tries. lastLoopNanos stays put meanwhile: the rules check shows it stuck.
            OUTPUT_RETRY.call("persisting engine outputs", () -> {
                handler.handle(outputs);
                return null;
            }, e -> {
                outputRetries.inc();
                outputFailures.threw("persisting engine outputs", e);
            }, () -> running || ++triesAfterStop[0] < 5);
        } catch (Backoff.GaveUp e) {
            LOG.error("shutting down: giving up on persisting {} issues and {} decisions: {}", outputs.issues().size(),
                    outputs.decisions().size(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long deadIteration;

    /** The watchdog, every tenth of the limit: see {@link EngineSettings#maxIterationTime}. */
    private void watch() {
        try {
            long since = firingSinceNanos;
            EngineSession current = session;
            if (current == null) {
                return;
            }
            if (since == 0) {
                current.watchFirings(false);
                return;
            }
            long stuck = System.nanoTime() - since;
            long limit = settings.maxIterationTime().toNanos();
            if (stuck > limit / 2) {
                current.watchFirings(true);
            }
            if (stuck <= limit) {
                return;
            }
            // The rule that fired most and still runs: another one may loop once the first is left out.
            java.util.Set<String> disabled = current.disabledRules();
            java.util.Optional<java.util.Map.Entry<String, Integer>> culprit = current.topFirings(disabled.size() + 3).entrySet().stream()
                    .filter(rule -> !disabled.contains(rule.getKey())).findFirst();
            if (culprit.isPresent()) {
                watchdogHalts.inc();
                current.disable(culprit.get().getKey());
                current.halt();
                LOG.error("engine iteration stuck for {} ms; rules firing most: {}. Halted it and left out rule \"{}\" until the rules are "
                        + "reloaded (homeostat.engine.watchdog_halts counts this)", TimeUnit.NANOSECONDS.toMillis(stuck),
                        RuleFirings.describe(current.topFirings(3)), culprit.get().getKey());
            } else if (stuck > 3 * limit && deadIteration != since) {
                // Nothing fires: a consequence or constraint does not return, and halting works only between firings.
                deadIteration = since;
                whenDead.uncaughtException(thread, new IllegalStateException("the engine iteration has been stuck for "
                        + TimeUnit.NANOSECONDS.toMillis(stuck) + " ms inside one rule and could not be halted"));
            }
        } catch (RuntimeException e) {
            LOG.error("engine watchdog check failed", e);
        }
    }

    /** How long the current evaluation has been firing rules; zero between batches (housekeeping waits while it is long). */
    public Duration firingFor() {
        long since = firingSinceNanos;
        return since == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - since);
    }

    public EngineStatus status() {
        Thread current = thread;
        return new EngineStatus(current != null && current.isAlive(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastLoopNanos), ruleBase.version(), ruleBase.ruleCount(),
                evaluated.getCount(), ruleErrors.getCount(), session == null ? java.util.Set.of() : session.disabledRules());
    }
}
