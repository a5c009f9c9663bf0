package io.homeostat.service.config;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.homeostat.service.cluster.Cluster;
import io.homeostat.service.cluster.ClusterAdmission;
import io.homeostat.service.cluster.Leadership;
import io.homeostat.service.cluster.Leases;
import io.homeostat.service.cluster.Replica;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.store.Store;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code cluster:} this replica among others on one PostgreSQL database (docs/SCALE-OUT.md). A single
 * process is a cluster of one: the same leases and admission, with nobody to share them with.
 */
public class ClusterFactory {
    /**
     * This replica's name: stable across its restarts (so that a restart reconciles its own attempts)
     * and unique among live replicas (a StatefulSet pod's name). Unset or empty: the host's name.
     */
    @Size(max = 200)
    @Pattern(regexp = "([A-Za-z0-9][A-Za-z0-9._:-]*)?", message = "must be letters, digits and . _ : - (no '/')")
    @JsonProperty
    private String replicaId;

    /**
     * How long a resource's lease lasts without renewal (renewed every third of it while work on the
     * resource goes on): how soon another replica takes over a dead or paused replica's resource, and
     * how long a database stall may last before a replica stops acting on what it holds.
     */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration leaseTtl = Duration.seconds(30);

    /** How often running attempts whose runner stopped holding their lease are looked for, and reconciled. */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration sweepEvery = Duration.seconds(10);

    /** How long an attempt the cluster held back waits before it is decided again (at least; longer while another replica's effect is judged). */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration heldBackRetry = Duration.seconds(30);

    public String replicaId() {
        if (replicaId != null && !replicaId.isEmpty()) {
            return replicaId;
        }
        try {
            return InetAddress.getLocalHost().getHostName().replace('/', '-');
        } catch (UnknownHostException e) {
            return "homeostat";
        }
    }

    /**
     * The leader's lock, on PostgreSQL through a connection of its own with the database's settings; on any
     * other database (H2: one process) this replica always leads.
     */
    public Leadership buildLeadership(io.dropwizard.db.DataSourceFactory database, MetricRegistry metrics) {
        boolean postgres = sharedDatabase(database);
        return new Leadership(postgres ? new Leadership.Database(database.getUrl(), database.getUser(), database.getPassword()) : null,
                leaseTtl.toJavaDuration(), metrics);
    }

    /** Whether replicas can share this database (PostgreSQL); H2 is one process's by construction. */
    private static boolean sharedDatabase(io.dropwizard.db.DataSourceFactory database) {
        return database.getDriverClass() != null && database.getDriverClass().contains("postgresql");
    }

    /**
     * On PostgreSQL, the switches, maintenance and autonomy changes made through other replicas, handed to
     * this engine ({@code engine}); on H2 (one process) nothing: every change is made through this process already.
     */
    public java.util.Optional<io.homeostat.service.cluster.SharedSwitches> buildSharedSwitches(io.dropwizard.db.DataSourceFactory database,
            io.homeostat.service.store.GateStateStore gateState, io.homeostat.service.store.AutonomyStore autonomy,
            java.util.function.Consumer<io.homeostat.service.inbox.EngineInput> engine) {
        return sharedDatabase(database)
                ? java.util.Optional.of(new io.homeostat.service.cluster.SharedSwitches(gateState, autonomy, engine, sweepEvery(),
                        java.time.Clock.systemUTC()))
                : java.util.Optional.empty();
    }

    public java.time.Duration sweepEvery() {
        return sweepEvery.toJavaDuration();
    }

    /** This run of the replica, its leases and the admission its attempts pass, with the policy of the moment's verification times. */
    public Cluster build(Store store, Supplier<PolicySettings> policy, MetricRegistry metrics) {
        Replica replica = Replica.starting(replicaId());
        return new Cluster(replica, new Leases(store.leases(), replica, leaseTtl.toJavaDuration(), metrics),
                new ClusterAdmission(replica.id(), action -> policy.get().verificationMillis(action),
                        () -> policy.get().getBreakerCooldownMillis(), heldBackRetry.toJavaDuration()));
    }
}
