package io.homeostat.service.engine;

import io.homeostat.service.engine.facts.ActiveWindow;
import io.homeostat.service.engine.facts.AutoRemediation;
import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.Rescheduled;
import io.homeostat.service.engine.facts.Alert;
import io.homeostat.service.engine.facts.ResourceView;
import io.homeostat.service.engine.facts.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.kie.api.KieServices;
import org.kie.api.definition.type.Role;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.KieSessionConfiguration;
import org.kie.api.runtime.conf.ClockTypeOption;
import org.kie.api.runtime.rule.FactHandle;
import org.kie.api.time.SessionPseudoClock;

/**
 * One stream-mode KieSession with its clock, settings facts and output collector. Not thread-safe:
 * the production engine thread owns one; rule tests, scenarios and benchmarks drive one directly
 * on a pseudo clock, so that the same code path is tested that runs in production.
 */
public final class EngineSession implements AutoCloseable {
    /** A batch spanning more signal time than this is evaluated in slices of it ({@link #insertBatch}). */
    static final long SLICE_MILLIS = 1_000;
    private final KieSession session;
    private final OutputCollector collector = new OutputCollector();
    private final RuleFirings firings = new RuleFirings();
    /** Rules the watchdog disabled because they looped; they stay off until the rules are reloaded. */
    private final java.util.Set<String> disabled = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final boolean pseudoClock;
    private final SignalExpiry expiry;
    private final List<FactHandle> actionHandles = new ArrayList<>();
    private FactHandle policyHandle;
    private PolicySettings policy;
    private List<AvailableAction> actions = List.of();
    private final ResourceViews views;
    private final Map<String, FactHandle> switchHandles = new HashMap<>();
    /** The one Alert fact per (tenant, fingerprint), updated in place as its notifications arrive. */
    private final Map<String, FactHandle> alertHandles = new HashMap<>();
    private final OpenWindows windows;
    /** The learned normal of each tracked series; outlives the session (a reload's successor takes it over). */
    private Baselines baselines = new Baselines(Baselines.Settings.DEFAULTS);
    /** Where each projected series is heading; outlives the session like the baselines. */
    private Projections projections = new Projections(Projections.Settings.DEFAULTS);

    private EngineSession(RuleBase ruleBase, boolean pseudoClock, long startMillis) {
        KieSessionConfiguration configuration = KieServices.get().newKieSessionConfiguration();
        configuration.setOption(ClockTypeOption.get(pseudoClock ? "pseudo" : "realtime"));
        this.session = ruleBase.kieBase().newKieSession(configuration, null);
        this.pseudoClock = pseudoClock;
        this.expiry = new SignalExpiry(ruleBase.kieBase());
        if (pseudoClock) {
            SessionPseudoClock clock = session.getSessionClock();
            clock.advanceTime(startMillis, TimeUnit.MILLISECONDS);
        }
        session.addEventListener(collector);
        session.addEventListener(firings);
        this.views = new ResourceViews(session);
        this.windows = new OpenWindows(session);
    }

    /**
     * A new session of {@code next} rules that carries on from this one (a rule reload): the same
     * clock time, settings, actions, windows and resource views, and every fact of this session —
     * issues, strategies, gate state, approvals, breakers, statistics first, then the events
     * (signals, remediation starts) with their own timestamps, so that windows count them as
     * before. Timer facts resume with the time they had left ({@link Rescheduled}). Nothing is
     * reported as output: it is all stored already. Close this session after; if carrying over fails,
     * the successor is disposed and this session keeps serving (only the timer delays of its
     * {@link Rescheduled} facts were recomputed, which its rules read when an activation is created).
     */
    public EngineSession successor(RuleBase next) {
        return successor(next, null);
    }

    /**
     * A successor of the same rules without the facts of the {@code released} resources (another
     * engine evaluates them now: a Kafka rebalance moved their partitions), nor their resource views
     * and signals; nothing is reported as output. Timers and state of every other resource carry over
     * as on a rule reload.
     */
    public EngineSession without(RuleBase rules, java.util.function.BiPredicate<String, String> released) {
        return successor(rules, released);
    }

    /** @param released the resources whose facts stay behind, or null on a rule reload (all carry over, nothing is scanned for them) */
    private EngineSession successor(RuleBase next, java.util.function.BiPredicate<String, String> released) {
        java.util.function.Predicate<Object> leaving = released == null ? fact -> false : ResourceScope.of(session.getObjects(), released);
        EngineSession successor = new EngineSession(next, pseudoClock, pseudoClock ? now() : 0);
        successor.baselines = baselines;
        successor.projections = projections;
        if (policy != null) {
            successor.setPolicy(policy);
        }
        successor.setAvailableActions(actions);
        successor.setWindows(windows.schedules());
        windows.manual().forEach(mode -> successor.windows.manual(mode, successor.now()));
        long now = successor.now();
        List<Object> state = new ArrayList<>();
        List<Object> events = new ArrayList<>();
        for (Object fact : session.getObjects()) {
            if (fact instanceof PolicySettings || fact instanceof AvailableAction || fact instanceof ActiveWindow
                    || fact instanceof ResourceView || leaving.test(fact)) {
                continue;
            }
            Object carried = fact instanceof Rescheduled timed ? timed.rebased(now) : fact;
            if (isEvent(fact)) {
                events.add(carried);
            } else {
                state.add(carried);
            }
        }
        successor.collector.restoring(true);
        try {
            successor.views.carryOver(views, released == null ? (tenant, resource) -> false : released);
            state.forEach(successor::insert);
            // Straight into the session: the views they would update were carried over above.
            for (Object event : events) {
                FactHandle handle = successor.session.insert(event);
                if (event instanceof Signal signal) {
                    successor.expiry.track(handle, signal.getTime(), successor.now());
                }
            }
        } catch (RuntimeException e) {
            successor.close();
            throw e;
        } finally {
            successor.collector.restoring(false);
        }
        return successor;
    }

    private static boolean isEvent(Object fact) {
        Role role = fact.getClass().getAnnotation(Role.class);
        return role != null && role.value() == Role.Type.EVENT;
    }

    /** A session on the wall clock, as the service runs it. */
    public static EngineSession realTime(RuleBase ruleBase) {
        return new EngineSession(ruleBase, false, 0);
    }

    /** A session on a pseudo clock that starts at {@code startMillis} and moves only when told. */
    public static EngineSession pseudoClock(RuleBase ruleBase, long startMillis) {
        return new EngineSession(ruleBase, true, startMillis);
    }

    /** Scores and learns readings with {@code learned} from now on (the engine's own, restored from the store). */
    public void useBaselines(Baselines learned) {
        this.baselines = Objects.requireNonNull(learned, "baselines");
    }

    public Baselines baselines() {
        return baselines;
    }

    /** Projects readings with {@code fitted} from now on (the engine's own). */
    public void useProjections(Projections fitted) {
        this.projections = Objects.requireNonNull(fitted, "projections");
    }

    /** Replaces the policy numbers the gate rules read. */
    public void setPolicy(PolicySettings policy) {
        Objects.requireNonNull(policy, "policy");
        this.policy = policy;
        if (policyHandle == null) {
            policyHandle = session.insert(policy);
        } else {
            session.update(policyHandle, policy);
        }
    }

    /** Replaces the set of actions that loaded plugins provide. */
    public void setAvailableActions(Collection<AvailableAction> actions) {
        this.actions = List.copyOf(actions);
        actionHandles.forEach(session::delete);
        actionHandles.clear();
        actions.forEach(action -> actionHandles.add(session.insert(action)));
    }

    /** Sets the configured maintenance and change-freeze windows; they open and close as the clock moves. */
    public void setWindows(List<WindowSchedule> schedules) {
        windows.set(schedules);
    }

    /**
     * Inserts a fact. A signal also updates the {@link ResourceView} of its resource (only when a
     * new source or new labels appear); an auto-remediation switch replaces the one of its scope; an
     * alert updates the one of its fingerprint.
     */
    public void insert(Object fact) {
        if (fact instanceof Signal signal) {
            // Scored against its series' baseline before any rule sees it.
            baselines.observe(signal);
            projections.observe(signal);
            views.observe(signal);
            expiry.track(session.insert(fact), signal.getTime(), now());
            return;
        } else if (fact instanceof Alert alert) {
            insertAlert(alert);
            return;
        } else if (fact instanceof MaintenanceMode mode) {
            windows.manual(mode, now());
            return;
        } else if (fact instanceof AutoRemediation toggle) {
            FactHandle previous = switchHandles.put(toggle.scope(), session.insert(fact));
            if (previous != null) {
                session.delete(previous);
            }
            return;
        }
        session.insert(fact);
    }

    /** A new alert, or the next state of one the session holds (the rules may have forgotten it: then it is new again). */
    private void insertAlert(Alert alert) {
        FactHandle handle = alertHandles.get(alert.getKey());
        Object held = handle == null ? null : session.getObject(handle);
        if (held instanceof Alert existing) {
            existing.update(alert);
            session.update(handle, existing);
        } else {
            alertHandles.put(alert.getKey(), session.insert(alert));
        }
        if (alertHandles.size() > 2 * alertsHeld + 1_000) {
            // Handles of alerts the rules deleted: dropped now and then, so the map holds what the session holds.
            alertHandles.values().removeIf(stale -> session.getObject(stale) == null);
            alertsHeld = alertHandles.size();
        }
    }

    private int alertsHeld;

    public void insertAll(Collection<?> facts) {
        for (Object fact : facts) {
            insert(fact);
        }
    }

    /**
     * Inserts state read back from the store at start-up (issues, proposals, breakers, approvals,
     * statistics, rate-window events). These are not outputs: they are already stored.
     */
    public void restore(Collection<?> facts) {
        collector.restoring(true);
        try {
            long now = now();
            // A restored fact's timers count what is left of their delays, as on a rule reload.
            insertAll(facts.stream().map(fact -> fact instanceof Rescheduled timed ? timed.rebased(now) : fact).toList());
        } finally {
            collector.restoring(false);
        }
    }

    /**
     * Inserts a batch of signals. A batch that spans more than {@link #SLICE_MILLIS} of the signals'
     * own time (a backlog after a stall, a reporter that sent late) is inserted in time order, one
     * slice at a time, with the rules fired between slices: the rules then see the readings in the
     * order and groups they would have seen them promptly, so a backlog opens the same issues with
     * the same evidence as the stream did (one rule's activations fire in no particular order
     * within one fire). Call {@link #fire} after, as for any insert.
     */
    public void insertBatch(List<Signal> batch) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (Signal signal : batch) {
            min = Math.min(min, signal.getTime());
            max = Math.max(max, signal.getTime());
        }
        if (batch.isEmpty() || max - min <= SLICE_MILLIS) {
            batch.forEach(this::insert);
            return;
        }
        List<Signal> ordered = new ArrayList<>(batch);
        ordered.sort(java.util.Comparator.comparingLong(Signal::getTime));
        long sliceEnd = ordered.get(0).getTime() + SLICE_MILLIS;
        for (Signal signal : ordered) {
            if (signal.getTime() >= sliceEnd) {
                fireRules();
                sliceEnd = signal.getTime() + SLICE_MILLIS;
            }
            insert(signal);
        }
    }

    /** Fires every rule that can fire and returns what changed. */
    public EngineOutputs fire() {
        return fire(0);
    }

    EngineOutputs fire(long oldestSignalNanos) {
        fireRules();
        views.forgetIdle(now());
        return collector.drain(now(), oldestSignalNanos);
    }

    private void fireRules() {
        windows.refresh(now());
        // Signals past their lifetime go before the rules fire: windows count by a signal's own
        // time, so one left in the session could match again when what held it back goes.
        expiry.expire(now(), session);
        if (disabled.isEmpty()) {
            session.fireAllRules();
        } else {
            session.fireAllRules(match -> !disabled.contains(match.getRule().getName()));
        }
        // A late signal, stamped longer ago than its lifetime, is evaluated once, then removed.
        expiry.expireLate(session);
    }

    /** Outputs collected so far without firing (after a consequence threw mid-batch). */
    EngineOutputs drainOutputs(long oldestSignalNanos) {
        return collector.drain(now(), oldestSignalNanos);
    }

    /** The watchdog: count firings from now on (an iteration runs long), or stop counting. Any thread. */
    void watchFirings(boolean on) {
        firings.watch(on);
    }

    /** The rules fired most since counting began. */
    java.util.Map<String, Integer> topFirings(int n) {
        return firings.top(n);
    }

    /** Stops the current fireAllRules between two firings; any thread. */
    void halt() {
        session.halt();
    }

    /** Leaves a rule out of every later fire of this session. */
    void disable(String rule) {
        disabled.add(rule);
    }

    java.util.Set<String> disabledRules() {
        return java.util.Set.copyOf(disabled);
    }

    /** Moves a pseudo clock forward; timers and window edges due by then take effect on the next fire. */
    public void advance(Duration duration) {
        if (!pseudoClock) {
            throw new IllegalStateException("only a pseudo-clock session can be advanced");
        }
        SessionPseudoClock clock = session.getSessionClock();
        clock.advanceTime(duration.toMillis(), TimeUnit.MILLISECONDS);
    }

    public long now() {
        return session.getSessionClock().getCurrentTime();
    }

    /** Signals the session holds until their lifetime passes. */
    public long liveSignals() {
        return expiry.live();
    }

    /** Resources the session keeps a view of (with their latest readings). */
    /** Alerts the session holds (an upper bound: handles of alerts the rules deleted are dropped now and then). */
    public long liveAlerts() {
        return alertHandles.size();
    }

    public long liveResources() {
        return views.size();
    }

    public long factCount() {
        return session.getFactCount();
    }

    /** Facts of one type currently in the session, for tests and diagnostics. */
    public <T> List<T> facts(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Object fact : session.getObjects(type::isInstance)) {
            out.add(type.cast(fact));
        }
        return out;
    }

    @Override
    public void close() {
        session.dispose();
    }
}
