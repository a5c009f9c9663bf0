package io.homeostat.service.cluster;

import io.dropwizard.lifecycle.Managed;
import io.homeostat.service.inbox.EngineInput;
import io.homeostat.service.retry.FailureLog;
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
 * Auto-remediation switches and maintenance an operator sets through one replica reach every
 * replica's engine: each replica reads them from the store every {@code cluster.sweepEvery} and hands
 * what changed since its last look to its own engine, as if set through it. (The cluster's admission
 * enforces a stored auto-remediation switch at once on every replica; maintenance is a gate of the
 * rules, so without this another replica's engine would go on acting in a maintenance window.) A change
 * made through this replica reaches its engine a second time: the same switch, which replaces itself.
 * Built on PostgreSQL only (ClusterFactory): on H2 there is no other replica to hear from.
 */
public final class SharedSwitches implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(SharedSwitches.class);
    private final GateStateStore store;
    private final Consumer<EngineInput> engine;
    private final Duration every;
    private final Clock clock;
    private final FailureLog failures = new FailureLog(LOG);
    private Map<String, GateStateStore.Switch> switches;
    private Map<String, GateStateStore.Maintenance> maintenance;
    private ScheduledExecutorService timer;

    public SharedSwitches(GateStateStore store, Consumer<EngineInput> engine, Duration every, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
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
            if (switches == null || maintenance == null) {
                switches = nowSwitches;
                maintenance = nowMaintenance;
                return;
            }
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
        } catch (RuntimeException e) {
            failures.threw("reading the stored switches", e);
        }
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
