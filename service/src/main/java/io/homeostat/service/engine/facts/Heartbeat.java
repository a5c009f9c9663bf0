package io.homeostat.service.engine.facts;

import java.util.Objects;

/**
 * The heartbeat of a resource that declares one: a {@code heartbeat} signal whose value is its
 * interval in seconds. Its timer runs out at twice the interval after the last beat (the absence
 * pattern: missing_heartbeat.drl). A beat updates the fact, which does not restart a running Drools
 * timer; when the timer runs out before the deadline the rule re-arms it ({@link #rearmed}), so a
 * timer is set once per deadline rather than once per beat. Not stored: after a restart a resource is
 * watched again from its next beat.
 */
public final class Heartbeat implements Rescheduled {
    private final String tenant;
    private final String resource;
    private long intervalMillis;
    private long lastAt;
    private boolean missed;
    private long timerMillis;

    public Heartbeat(String tenant, String resource, long intervalMillis, long lastAt, long now) {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.resource = Objects.requireNonNull(resource, "resource");
        this.lastAt = lastAt;
        this.intervalMillis = Math.max(1_000, intervalMillis);
        this.timerMillis = Math.max(1, getDueAt() - now);
    }

    /** A beat at {@code at} declaring {@code interval}: the deadline moves; the running timer does not (see {@link #rearmed}). */
    public void beat(long at, long interval) {
        if (at < lastAt) {
            return; // an older beat fired after a newer one in the same batch: it says nothing new
        }
        this.lastAt = at;
        this.intervalMillis = Math.max(1_000, interval);
        this.missed = false;
    }

    /** The same watch as a new fact whose timer runs for what is left until the deadline. */
    public Heartbeat rearmed(long now) {
        return new Heartbeat(tenant, resource, intervalMillis, lastAt, now);
    }

    public void miss() {
        missed = true;
    }

    @Override
    public Heartbeat rebased(long now) {
        timerMillis = Math.max(1, getDueAt() - now);
        return this;
    }

    /** When the next beat is due at the latest: twice the declared interval after the last one. */
    public long getDueAt() {
        return lastAt + 2 * intervalMillis;
    }

    public long getTimerMillis() {
        return timerMillis;
    }

    public String getTenant() {
        return tenant;
    }

    public String getResource() {
        return resource;
    }

    public long getIntervalMillis() {
        return intervalMillis;
    }

    public long getLastAt() {
        return lastAt;
    }

    public boolean isMissed() {
        return missed;
    }

    @Override
    public String toString() {
        return "Heartbeat[" + resource + " every " + intervalMillis / 1000 + " s, last " + lastAt + (missed ? ", missed" : "") + "]";
    }
}
