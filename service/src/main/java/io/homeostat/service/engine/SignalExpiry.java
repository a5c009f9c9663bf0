package io.homeostat.service.engine;

import io.homeostat.service.engine.facts.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import org.drools.base.rule.TypeDeclaration;
import org.drools.core.common.InternalFactHandle;
import org.drools.core.impl.InternalRuleBase;
import org.kie.api.KieBase;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;

/**
 * Removes signals from the session when their lifetime has passed: {@link Signal#LIFETIME} after
 * their own time, or longer when a rule file declares one ({@code declare Signal @role(event)
 * @timestamp(time) @expires(1h) end}; Drools then expires them itself as well, which is slower but
 * the same).
 *
 * <p>Why not Drools' own {@code @expires}: it schedules one timer job per event on the session's
 * clock, and at a hundred thousand signals a second the job queue (a binary heap of every live
 * signal), the per-handle job list and the job objects were a fifth of the engine thread's time
 * (a JFR profile of a backtest replay, docs/BENCHMARKS.md (f)). Signals arrive nearly in time
 * order and all live the same time, so a queue of one-second buckets does the same work in about
 * constant time per signal. A signal is
 * removed before the first {@link EngineSession#fire} after its expiry rounded up to the second:
 * windows count by the signals' own times, so a stale signal left in the session could match again
 * when what held it back goes (a resolved issue's tombstone, after a stall). A late signal, already
 * older than its lifetime when it arrives, is evaluated once and then removed.
 */
final class SignalExpiry {
    private final long lifetimeMillis;
    /** Expiry second (epoch ms, rounded up) → handles; the in-order common case appends to the last bucket. */
    private final TreeMap<Long, ArrayList<FactHandle>> buckets = new TreeMap<>();
    private long lastKey = Long.MIN_VALUE;
    private ArrayList<FactHandle> lastBucket;
    /** Signals past their lifetime when inserted: removed right after the fire that evaluates them. */
    private final ArrayList<FactHandle> late = new ArrayList<>();
    /** Signals tracked and not yet past their expiry: what the session holds (a rule's own delete is counted until then). */
    private long live;

    SignalExpiry(KieBase kieBase) {
        this.lifetimeMillis = lifetime(kieBase).toMillis();
    }

    /** The lifetime of a signal in this rule base: the default, or a longer one a rule file declares. */
    static Duration lifetime(KieBase kieBase) {
        TypeDeclaration declared = ((InternalRuleBase) kieBase).getTypeDeclaration(Signal.class);
        long offset = declared == null ? -1 : declared.getExpirationOffset();
        return offset > Signal.LIFETIME.toMillis() ? Duration.ofMillis(offset) : Signal.LIFETIME;
    }

    /**
     * Tracks a signal inserted at session time {@code now}. One already past its lifetime (a late
     * signal) is kept apart: it is evaluated once and removed after that fire ({@link #expireLate}),
     * while {@link #expire} before a fire must not take it before the rules have seen it.
     */
    void track(FactHandle handle, long signalTime, long now) {
        live++;
        long expiresAt = signalTime + lifetimeMillis;
        long key = Math.floorDiv(expiresAt + 999, 1_000) * 1_000;
        if (key <= now) {
            late.add(handle);
            return;
        }
        if (key != lastKey) {
            lastBucket = buckets.computeIfAbsent(key, k -> new ArrayList<>());
            lastKey = key;
        }
        lastBucket.add(handle);
    }

    /** Signals the session holds: the live set that the heap must hold (docs/BENCHMARKS.md (g)). */
    long live() {
        return live;
    }

    /** Deletes the late signals of the fire that just ran; returns how many. */
    int expireLate(KieSession session) {
        int removed = 0;
        for (FactHandle handle : late) {
            if (((InternalFactHandle) handle).isValid()) {
                session.delete(handle);
                removed++;
            }
        }
        live -= late.size();
        late.clear();
        return removed;
    }

    /** Deletes every signal whose expiry is at or before {@code now}; returns how many. */
    int expire(long now, KieSession session) {
        int removed = 0;
        for (Map.Entry<Long, ArrayList<FactHandle>> first = buckets.firstEntry(); first != null && first.getKey() <= now;
                first = buckets.firstEntry()) {
            buckets.pollFirstEntry();
            live -= first.getValue().size();
            if (first.getKey() == lastKey) {
                lastKey = Long.MIN_VALUE;
                lastBucket = null;
            }
            for (FactHandle handle : first.getValue()) {
                // A rule file's own @expires, or a rule's delete, may have removed it already.
                if (((InternalFactHandle) handle).isValid()) {
                    session.delete(handle);
                    removed++;
                }
            }
        }
        return removed;
    }
}
