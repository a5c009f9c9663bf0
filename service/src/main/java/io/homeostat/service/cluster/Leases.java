package io.homeostat.service.cluster;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import io.homeostat.service.model.Lease;
import io.homeostat.service.retry.FailureLog;
import io.homeostat.service.store.LeaseStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resource leases this replica holds, renewed every third of their time to live while work on
 * the resource goes on. A renewal the database refuses (the lease was taken over) or cannot make
 * before the lease ends marks the lease lost: the work holding it must not act any further, and its
 * writes are refused anyway (they are fenced by the token).
 */
public final class Leases implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(Leases.class);

    private final LeaseStore store;
    private final Replica replica;
    private final Duration ttl;
    private final Set<Held> held = ConcurrentHashMap.newKeySet();
    private final Counter lost;
    private final Counter refused;
    private final FailureLog renewFailures = new FailureLog(LOG);
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "homeostat-leases");
        thread.setDaemon(true);
        return thread;
    });

    public Leases(LeaseStore store, Replica replica, Duration ttl, MetricRegistry metrics) {
        this.store = Objects.requireNonNull(store, "store");
        this.replica = Objects.requireNonNull(replica, "replica");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.lost = metrics.counter("homeostat.leases.lost");
        this.refused = metrics.counter("homeostat.leases.refused");
        metrics.gauge("homeostat.leases.held", () -> held::size);
    }

    public Replica replica() {
        return replica;
    }

    public Duration ttl() {
        return ttl;
    }

    /** A lease on a resource held by this replica, until it is closed (released) or lost. */
    public final class Held implements AutoCloseable {
        private volatile Lease lease;
        private volatile boolean gone;

        private Held(Lease lease) {
            this.lease = lease;
        }

        /** The lease as last renewed: its token fences every write of the work holding it. */
        public Lease lease() {
            return lease;
        }

        /**
         * True while the database still says this lease is ours (same token, not expired): asked before each
         * step that changes the world, so that a replica paused past its lease does not act when it wakes up.
         * False too when the database cannot say: not knowing is not a licence to act.
         */
        public boolean confirm() {
            if (gone) {
                return false;
            }
            try {
                if (store.holds(lease)) {
                    return true;
                }
            } catch (RuntimeException e) {
                LOG.warn("cannot confirm the lease on {}: {}", lease.resource(), e.toString());
                return false;
            }
            markLost("the database no longer has it");
            return false;
        }

        public boolean lost() {
            return gone;
        }

        void markLost(String why) {
            if (!gone) {
                gone = true;
                lost.inc();
                held.remove(this);
                LOG.warn("lost the lease on {} (token {}): {}; another replica may take the resource over", lease.resource(), lease.token(),
                        why);
            }
        }

        void renew() {
            try {
                Optional<Lease> renewed = store.renew(lease, ttl);
                if (renewed.isPresent()) {
                    lease = renewed.get();
                } else {
                    markLost("it expired or was taken over before it could be renewed");
                }
            } catch (RuntimeException e) {
                renewFailures.threw("renewing resource leases", e);
                // The database's clock decides, but with no answer from it the lease ends when it would have: stop then.
                if (!Instant.now().isBefore(lease.expiresAt())) {
                    markLost("it could not be renewed before it ended (" + e.getMessage() + ")");
                }
            }
        }

        /** Releases the lease (nothing when it was lost). */
        @Override
        public void close() {
            if (held.remove(this) && !gone) {
                try {
                    store.release(lease);
                } catch (RuntimeException e) {
                    // It ends by itself at its expiry; until then no other replica takes the resource.
                    LOG.warn("could not release the lease on {}: {}; it ends by itself within {}", lease.resource(), e.toString(), ttl);
                }
            }
        }
    }

    /** The outcome of asking for a lease: held, or who has it and until when. */
    public record Asked(Optional<Held> held, Optional<LeaseStore.Holder> heldBy) {
    }

    /** Asks for the lease on the resource; refused while another replica's lease on it runs. */
    public Asked acquire(String tenant, String resource) {
        LeaseStore.Acquisition acquisition = store.acquire(tenant, resource, replica.holder(), ttl);
        if (acquisition.lease().isEmpty()) {
            refused.inc();
            return new Asked(Optional.empty(), acquisition.heldBy());
        }
        Held lease = new Held(acquisition.lease().get());
        held.add(lease);
        return new Asked(Optional.of(lease), Optional.empty());
    }

    /** Leases held now (for the health check and tests). */
    public int held() {
        return held.size();
    }

    @Override
    public void start() {
        int released = store.releaseEarlierRuns(replica.id(), replica.holder());
        if (released > 0) {
            LOG.info("released {} lease(s) of this replica's earlier run: its attempts are reconciled now", released);
        }
        long every = Math.max(100, ttl.toMillis() / 3);
        renewer.scheduleWithFixedDelay(() -> held.forEach(Held::renew), every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        renewer.shutdownNow();
    }
}
