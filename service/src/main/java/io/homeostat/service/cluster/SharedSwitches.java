package io.homeostat.service.cluster;

import io.dropwizard.lifecycle.Managed;
import io.homeostat.service.engine.facts.AutonomyHeard;
import io.homeostat.service.engine.facts.AutonomyMode;
import io.homeostat.service.inbox.EngineInput;
import io.homeostat.service.retry.FailureLog;
import io.homeostat.service.model.AutonomyRecord;
import io.homeostat.service.store.AutonomyStore;
import io.homeostat.service.store.GateStateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Auto-remediation switches, maintenance and autonomy pins an operator sets through one replica (and
 * the autonomy changes another replica's engine judged) reach every replica's engine: each replica
 * reads them from the store every {@code cluster.sweepEvery} and hands
 * what changed since its last look to its own engine, as if set through it. (The cluster's admission
 * enforces a stored auto-remediation switch at once on every replica; maintenance is a gate of the
 * rules, so without this another replica's engine would go on acting in a maintenance window.) A change
 * made through this replica reaches its engine a second time: the same switch, which replaces itself.
 * Built on PostgreSQL only (ClusterFactory): on H2 there is no other replica to hear from.
 */
public final class SharedSwitches implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(SharedSwitches.class);
    private final GateStateStore store;
    private final AutonomyStore autonomy;
    private final Consumer<EngineInput> engine;
    private final Duration every;
    private final Clock clock;
    private final FailureLog failures = new FailureLog(LOG);
    private Map<String, GateStateStore.Switch> switches;
    private Map<String, GateStateStore.Maintenance> maintenance;
    private Map<String, AutonomyRecord> pairs;
    private ScheduledExecutorService timer;

    public SharedSwitches(GateStateStore store, AutonomyStore autonomy, Consumer<EngineInput> engine, Duration every, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.autonomy = Objects.requireNonNull(autonomy, "autonomy");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.every = Objects.requireNonNull(every, "every");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** After the engine's restore, which read the switches and maintenance in force: only later changes are handed over. */
    @Override
    public void start() {
        try {
            switches = bySwitchScope(store.switches());
            maintenance = byMaintenanceScope(store.maintenance(clock.instant()));
            pairs = byPair(autonomy.pairs(null));
        } catch (RuntimeException e) {
            // Known from the first look that works; until then the restore's state holds.
            failures.threw("reading the stored switches", e);
        }
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "homeostat-shared-switches");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::look, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** One look: each switch or maintenance that is new or changed, and each maintenance ended early, goes to the engine. */
    void look() {
        try {
            Instant now = clock.instant();
            Map<String, GateStateStore.Switch> nowSwitches = bySwitchScope(store.switches());
            Map<String, GateStateStore.Maintenance> nowMaintenance = byMaintenanceScope(store.maintenance(now));
            Map<String, AutonomyRecord> nowPairs = byPair(autonomy.pairs(null));
            if (switches == null || maintenance == null || pairs == null) {
                switches = nowSwitches;
                maintenance = nowMaintenance;
                pairs = nowPairs;
                return;
            }
            // A pair whose mode or pin changed since the last look (this engine's own changes come back too: the same
            // change, which the rules see it holds already).
            nowPairs.forEach((key, pair) -> {
                AutonomyRecord before = pairs.get(key);
                if (before == null || pair.changedAt().isAfter(before.changedAt())) {
                    engine.accept(new EngineInput.AutonomyHeard(new AutonomyHeard(pair.tenant(), pair.issueType(), pair.actionId(),
                            AutonomyMode.fromLabel(pair.mode()), pair.pinned(), pair.outcomes(), pair.failureRun(),
                            pair.successesSinceChange(), pair.observed(), pair.changedBy(), pair.changedAt().toEpochMilli())));
                }
            });
            nowSwitches.forEach((scope, value) -> {
                if (!value.equals(switches.get(scope))) {
                    LOG.info("auto-remediation {} for {} (set by {} through another replica)", value.enabled() ? "on" : "off", scope,
                            value.changedBy());
                    engine.accept(new EngineInput.AutoRemediationSwitch(scope, value.enabled(), value.changedBy(), value.reason(),
                            value.changedAt()));
                }
            });
            nowMaintenance.forEach((scope, value) -> {
                if (!value.equals(maintenance.get(scope))) {
                    LOG.info("maintenance {} on until {} (set by {} through another replica)", scope, value.until(), value.setBy());
                    engine.accept(new EngineInput.MaintenanceSwitch(scope, true, value.labelKey(), value.labelValue(), value.until(),
                            value.setBy(), value.reason(), value.setAt()));
                }
            });
            maintenance.forEach((scope, value) -> {
                if (!nowMaintenance.containsKey(scope) && value.until().isAfter(now)) {
                    LOG.info("maintenance {} ended through another replica", scope);
                    engine.accept(new EngineInput.MaintenanceSwitch(scope, false, value.labelKey(), value.labelValue(), null,
                            "another replica", "ended through another replica", now));
                }
            });
            switches = nowSwitches;
            maintenance = nowMaintenance;
            pairs = nowPairs;
        } catch (RuntimeException e) {
            failures.threw("reading the stored switches", e);
        }
    }

    private static Map<String, AutonomyRecord> byPair(List<AutonomyRecord> values) {
        Map<String, AutonomyRecord> byKey = new HashMap<>();
        values.forEach(pair -> byKey.put(pair.tenant() + "\u0000" + pair.issueType() + "\u0000" + pair.actionId(), pair));
        return byKey;
    }

    private static Map<String, GateStateStore.Switch> bySwitchScope(List<GateStateStore.Switch> values) {
        Map<String, GateStateStore.Switch> byScope = new HashMap<>();
        values.forEach(value -> byScope.put(value.scope(), value));
        return byScope;
    }

    private static Map<String, GateStateStore.Maintenance> byMaintenanceScope(List<GateStateStore.Maintenance> values) {
        Map<String, GateStateStore.Maintenance> byScope = new HashMap<>();
        values.forEach(value -> byScope.put(value.scope(), value));
        return byScope;
    }
}
