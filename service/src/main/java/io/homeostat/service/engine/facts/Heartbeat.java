package io.homeostat.service.engine.facts;

import java.util.Objects;

/**
 * The heartbeat of a resource that declares one: a {@code heartbeat} signal whose value is its
 * interval in seconds. Its timer runs out at twice the interval after the last beat (the absence
 * pattern: missing_heartbeat.drl); each beat replaces the fact, which restarts it (a modified fact
 * would keep its timer running from the old beat). Not stored: after a restart a resource is
 * watched again from its next beat.
 */
public final class Heartbeat implements Rescheduled {
    private final String tenant;
    private final String resource;
    private final long intervalMillis;
    private final long lastAt;
    private boolean missed;
    private long timerMillis;

    public Heartbeat(String tenant, String resource, long intervalMillis, long lastAt, long now) {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.resource = Objects.requireNonNull(resource, "resource");
        this.lastAt = lastAt;
        this.intervalMillis = Math.max(1_000, intervalMillis);
        this.timerMillis = Math.max(1, getDueAt() - now);
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
