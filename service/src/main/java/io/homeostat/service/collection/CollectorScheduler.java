package io.homeostat.service.collection;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import io.homeostat.plugin.api.Collector;
import io.homeostat.plugin.api.CollectorContext;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.Reading;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.inbox.Ingress;
import io.homeostat.service.intake.Intake;
import io.homeostat.service.intake.Names;
import io.homeostat.service.plugins.LoadedCollector;
import io.homeostat.service.plugins.PluginCaller;
import io.homeostat.service.plugins.PluginRegistry;
import io.homeostat.service.telemetry.Telemetry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every configured collector target on its interval, on threads of its own (never the
 * engine's), each call in its plugin's class loader under the target's deadline, and hands the
 * readings to the engine as signals whose source is {@code collector:<id>}. Every run also reports
 * {@code collector.up} (1 collected, 0 not), and a failed run the collector's own failure readings
 * (a probe that cannot connect is {@code probe.success} 0): a target that cannot be observed is
 * never a silent gap. Its errors are counted and logged once per cause, and once when it recovers.
 */
public final class CollectorScheduler implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorScheduler.class);
    /** The metric every run reports for its target, as Prometheus reports {@code up}. */
    public static final String UP = "collector.up";

    private final PluginRegistry plugins;
    private volatile List<CollectionTarget> targets;
    private final List<java.util.concurrent.ScheduledFuture<?>> scheduled = new ArrayList<>();
    private final MetricRegistry metrics;
    private final Ingress inbox;
    private final Intake gates;
    private final Clock clock;
    private final int threads;
    private final PluginCaller caller = new PluginCaller();
    private final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    private final Map<Integer, TargetState> states = new ConcurrentHashMap<>();
    private final Counter dropped;
    /** Each collector's metrics, registered once (not looked up by name on every run). */
    private final Map<String, CollectorMetrics> byCollector = new ConcurrentHashMap<>();
    private final Telemetry telemetry;
    private ScheduledExecutorService scheduler;
    /** Set when the service stops: a collection the stop interrupts is neither a failure nor a reading. */
    private volatile boolean stopping;

    public CollectorScheduler(PluginRegistry plugins, List<CollectionTarget> targets, Ingress inbox, Intake gates, Clock clock, int threads,
                              MetricRegistry metrics, Telemetry telemetry) {
        this.telemetry = telemetry;
        this.plugins = Objects.requireNonNull(plugins, "plugins");
        this.targets = List.copyOf(targets);
        this.inbox = Objects.requireNonNull(inbox, "inbox");
        this.gates = Objects.requireNonNull(gates, "gates");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.threads = threads;
        this.metrics = metrics;
        this.dropped = metrics.counter("homeostat.collectors.dropped_readings");
        for (CollectionTarget target : this.targets) {
            states.put(target.index(), new TargetState(target));
            byCollector.computeIfAbsent(target.collectorId(), id -> new CollectorMetrics(metrics, id));
        }
    }

    /**
     * Every target's collector is loaded and accepts the target's settings; otherwise the problems,
     * each naming its target ({@code collectors.targets[2] (probe.http on service:web): ...}).
     */
    public List<String> validate() {
        List<String> problems = new ArrayList<>();
        for (CollectionTarget target : targets) {
            if (!Names.isResource(target.resource())) {
                problems.add(target.name() + ".resource: '" + target.resource() + "' is not kind:name");
            }
            LoadedCollector loaded = plugins.collector(target.collectorId()).orElse(null);
            if (loaded == null) {
                problems.add(target.name() + ".collector: no loaded plugin provides collector '" + target.collectorId() + "' (loaded: "
                        + plugins.collectorIds() + ")");
                continue;
            }
            PluginCaller.Outcome<List<String>> checked = caller.call(loaded.classLoader(), target.name() + " validate", Duration.ofSeconds(10),
                    () -> loaded.collector().validate(target.settings()));
            if (!checked.ok()) {
                problems.add(target.name() + ": its collector could not check its settings: " + checked.problem());
            } else {
                checked.value().forEach(problem -> problems.add(target.name() + ": " + problem));
            }
        }
        return problems;
    }

    @Override
    public synchronized void start() {
        if (targets.isEmpty()) {
            return;
        }
        schedule();
        LOG.info("collecting {} targets on {} threads", targets.size(), threads);
    }

    private void schedule() {
        if (scheduler == null) {
            scheduler = Executors.newScheduledThreadPool(threads, PluginCaller.named("homeostat-collector-"));
        }
        for (CollectionTarget target : targets) {
            long jitter = target.jitter().toMillis();
            long first = jitter <= 0 ? 0 : ThreadLocalRandom.current().nextLong(jitter + 1);
            scheduled.add(scheduler.scheduleAtFixedRate(() -> run(target), first, target.interval().toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    /** The targets as configured (a reload validates a candidate's, then hands them to {@link #replace}). */
    public List<CollectionTarget> targets() {
        return targets;
    }

    /**
     * Collects {@code next} instead of the targets it had (a configuration reload, validated first): the old
     * ones stop being scheduled (a collection under way finishes), the new ones start with their jitter.
     */
    public synchronized void replace(List<CollectionTarget> next) {
        scheduled.forEach(future -> future.cancel(false));
        scheduled.clear();
        targets = List.copyOf(next);
        states.clear();
        for (CollectionTarget target : targets) {
            states.put(target.index(), new TargetState(target));
            byCollector.computeIfAbsent(target.collectorId(), id -> new CollectorMetrics(metrics, id));
        }
        if (!stopping && !targets.isEmpty()) {
            schedule();
        }
        LOG.info("collecting {} targets after a configuration reload", targets.size());
    }

    @Override
    public void stop() {
        stopping = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        caller.close();
    }

    /** One collection of one target; never throws (a scheduled task that throws is never run again). */
    void run(CollectionTarget target) {
        TargetState state = states.get(target.index());
        if (state == null || state.target() != target) {
            return; // a target a configuration reload replaced, whose run was already queued
        }
        String id = target.collectorId();
        CollectorMetrics measured = byCollector.get(id);
        long started = System.nanoTime();
        try {
            Instant deadline = clock.instant().plus(target.timeout());
            Context context = new Context(target.resource(), target.settings(), deadline);
            LoadedCollector loaded = plugins.collector(id).orElse(null);
            List<Reading> readings = new ArrayList<>();
            String problem;
            long[] cpuNanos = {0};
            if (loaded == null) {
                problem = "no loaded plugin provides collector '" + id + "'";
            } else {
                loaded.enter();
                try {
                    Collector collector = loaded.collector();
                    PluginCaller.Outcome<List<Reading>> outcome = caller.call(loaded.classLoader(), id + " on " + target.resource(),
                            target.timeout(), () -> {
                                long before = cpu.getCurrentThreadCpuTime();
                                try {
                                    return collector.collect(context);
                                } finally {
                                    cpuNanos[0] = Math.max(0, cpu.getCurrentThreadCpuTime() - before);
                                }
                            });
                    problem = outcome.ok() ? null : outcome.problem();
                    if (outcome.ok()) {
                        readings.addAll(outcome.value());
                    } else {
                        String cause = problem;
                        PluginCaller.Outcome<List<Reading>> failure = caller.call(loaded.classLoader(), id + " failed", Duration.ofSeconds(1),
                                () -> collector.failed(context, cause));
                        if (failure.ok()) {
                            readings.addAll(failure.value());
                        }
                    }
                } finally {
                    loaded.exit();
                }
            }
            if (stopping) {
                return;
            }
            readings.add(Reading.of(UP, problem == null ? 1 : 0));
            hand(target, readings, state);
            measured.cpuNanos().inc(cpuNanos[0]);
            measured.runs().mark();
            if (problem != null) {
                measured.failures().mark();
            }
            telemetry.collected(id, problem == null ? "ok" : "failed", Duration.ofNanos(System.nanoTime() - started), Duration.ofNanos(cpuNanos[0]));
            state.ran(clock.instant(), problem);
        } catch (RuntimeException | LinkageError e) {
            if (stopping) {
                return;
            }
            LOG.error("{}: collection failed unexpectedly", target.name(), e);
            state.ran(clock.instant(), "unexpected: " + e);
        } finally {
            measured.duration().update(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private void hand(CollectionTarget target, List<Reading> readings, TargetState state) {
        long now = clock.millis();
        long nanos = System.nanoTime();
        String source = "collector:" + target.collectorId();
        List<Signal> signals = new ArrayList<>(readings.size());
        for (Reading reading : readings) {
            String resource = reading.resource() == null ? target.resource() : reading.resource();
            if (!Names.isResource(resource) || !Names.isMetric(reading.metric()) || !Double.isFinite(reading.value())) {
                dropped.inc();
                state.note("a reading the rules cannot take (resource '" + resource + "', metric '" + reading.metric() + "', value "
                        + reading.value() + "): dropped");
                continue;
            }
            Map<String, String> labels = target.labels();
            if (!reading.labels().isEmpty()) {
                labels = new HashMap<>(target.labels());
                labels.putAll(reading.labels());
            }
            signals.add(new Signal(target.tenant(), resource, reading.metric(), reading.value(), now, reading.unit(), source, labels, nanos));
        }
        if (signals.isEmpty()) {
            return;
        }
        try {
            gates.admit();
            if (inbox.offerSignals(signals)) {
                state.handed();
                return;
            }
            state.refused("the engine's signal queue is full");
        } catch (Intake.RefusedException e) {
            state.refused(e.getMessage());
        } catch (Ingress.Unavailable e) {
            state.refused(e.getMessage());
        }
        dropped.inc(signals.size());
    }

    /** What the health check reads: each target's last run. */
    public List<TargetState> states() {
        return targets.stream().map(target -> states.get(target.index())).toList();
    }

    /** homeostat.collectors.<id, dots as _>.runs, .failures, .duration, .cpu_nanos. */
    private record CollectorMetrics(com.codahale.metrics.Meter runs, com.codahale.metrics.Meter failures, com.codahale.metrics.Timer duration,
                                    Counter cpuNanos) {
        CollectorMetrics(MetricRegistry metrics, String id) {
            this(metrics.meter(name(id, "runs")), metrics.meter(name(id, "failures")), metrics.timer(name(id, "duration")),
                    metrics.counter(name(id, "cpu_nanos")));
        }

        private static String name(String id, String what) {
            return "homeostat.collectors." + id.replaceAll("[^A-Za-z0-9_]", "_") + "." + what;
        }
    }

    private record Context(String resource, PluginSettings settings, Instant deadline) implements CollectorContext {
    }

    /** One target's last run, and its logging: each cause once, and once when it recovers. */
    public static final class TargetState {
        private final CollectionTarget target;
        private volatile Instant lastRun;
        private volatile Instant lastSuccess;
        private volatile String lastProblem;
        private String logged;
        private boolean refusing;

        TargetState(CollectionTarget target) {
            this.target = target;
        }

        synchronized void ran(Instant at, String problem) {
            lastRun = at;
            lastProblem = problem;
            if (problem == null) {
                lastSuccess = at;
                if (logged != null) {
                    LOG.info("{}: collected again (it failed with: {})", target.name(), logged);
                    logged = null;
                }
            } else if (!problem.equals(logged)) {
                LOG.warn("{}: could not collect: {} (reported as {} 0; logged once per cause)", target.name(), problem, UP);
                logged = problem;
            }
        }

        synchronized void note(String problem) {
            if (!problem.equals(logged)) {
                LOG.warn("{}: {}", target.name(), problem);
                logged = problem;
            }
        }

        synchronized void refused(String why) {
            if (!refusing) {
                LOG.warn("{}: readings dropped while the engine refuses them ({}); homeostat.collectors.dropped_readings counts them",
                        target.name(), why);
                refusing = true;
            }
        }

        synchronized void handed() {
            if (refusing) {
                LOG.info("{}: the engine takes readings again", target.name());
                refusing = false;
            }
        }

        public CollectionTarget target() {
            return target;
        }

        public Instant lastRun() {
            return lastRun;
        }

        public Instant lastSuccess() {
            return lastSuccess;
        }

        public String lastProblem() {
            return lastProblem;
        }
    }
}
