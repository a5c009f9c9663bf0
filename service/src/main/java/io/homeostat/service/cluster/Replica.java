package io.homeostat.service.cluster;

import java.util.Objects;
import java.util.UUID;

/**
 * This replica: its configured id (stable across restarts, unique among the live replicas: a
 * StatefulSet's pod name, a host name) and this run of it. Leases are held by the run, so that a
 * restarted replica knows its earlier run's leases for what they are.
 */
public record Replica(String id, String run) {
    public Replica {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(run, "run");
    }

    /** A new run of the replica {@code id}. */
    public static Replica starting(String id) {
        return new Replica(id, UUID.randomUUID().toString().substring(0, 8));
    }

    /** The holder a lease names: {@code id/run}. */
    public String holder() {
        return id + "/" + run;
    }
}
