package io.homeostat.service.cluster;

import java.util.Objects;

/** What the executor needs of the cluster: this replica, the leases it holds on resources, and the shared admission. */
public record Cluster(Replica replica, Leases leases, ClusterAdmission admission) {
    public Cluster {
        Objects.requireNonNull(replica, "replica");
        Objects.requireNonNull(leases, "leases");
        Objects.requireNonNull(admission, "admission");
    }
}
