package io.homeostat.service.engine;

import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.engine.facts.PolicySettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.kie.api.KieServices;
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
    private final KieSession session;
    private final OutputCollector collector = new OutputCollector();
    private final boolean pseudoClock;
    private final List<FactHandle> actionHandles = new ArrayList<>();
    private FactHandle policyHandle;

    private EngineSession(RuleBase ruleBase, boolean pseudoClock, long startMillis) {
        KieSessionConfiguration configuration = KieServices.get().newKieSessionConfiguration();
        configuration.setOption(ClockTypeOption.get(pseudoClock ? "pseudo" : "realtime"));
        this.session = ruleBase.kieBase().newKieSession(configuration, null);
        this.pseudoClock = pseudoClock;
        if (pseudoClock) {
            SessionPseudoClock clock = session.getSessionClock();
            clock.advanceTime(startMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        session.addEventListener(collector);
    }

    /** A session on the wall clock, as the service runs it. */
    public static EngineSession realTime(RuleBase ruleBase) {
        return new EngineSession(ruleBase, false, 0);
    }

    /** A session on a pseudo clock that starts at {@code startMillis} and moves only when told. */
    public static EngineSession pseudoClock(RuleBase ruleBase, long startMillis) {
        return new EngineSession(ruleBase, true, startMillis);
    }

    /** Replaces the policy numbers the gate rules read. */
    public void setPolicy(PolicySettings policy) {
        Objects.requireNonNull(policy, "policy");
        if (policyHandle == null) {
            policyHandle = session.insert(policy);
        } else {
            session.update(policyHandle, policy);
        }
    }

    /** Replaces the set of actions that loaded plugins provide. */
    public void setAvailableActions(Collection<AvailableAction> actions) {
        actionHandles.forEach(session::delete);
        actionHandles.clear();
        actions.forEach(action -> actionHandles.add(session.insert(action)));
    }

    public void insert(Object fact) {
        session.insert(fact);
    }

    public void insertAll(Collection<?> facts) {
        for (Object fact : facts) {
            session.insert(fact);
        }
    }

    /** Fires every rule that can fire and returns what changed. */
    public EngineOutputs fire() {
        return fire(0);
    }

    EngineOutputs fire(long oldestSignalNanos) {
        session.fireAllRules();
        return collector.drain(now(), oldestSignalNanos);
    }

    /** Outputs collected so far without firing (after a consequence threw mid-batch). */
    EngineOutputs drainOutputs(long oldestSignalNanos) {
        return collector.drain(now(), oldestSignalNanos);
    }

    /** Moves a pseudo clock forward; timers and window edges due by then take effect on the next fire. */
    public void advance(Duration duration) {
        if (!pseudoClock) {
            throw new IllegalStateException("only a pseudo-clock session can be advanced");
        }
        SessionPseudoClock clock = session.getSessionClock();
        clock.advanceTime(duration.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public long now() {
        return session.getSessionClock().getCurrentTime();
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
