package io.homeostat.service.store;

import io.homeostat.service.model.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Per-resource leases in the database (table {@code resource_leases}). Times are the database's
 * clock, never a replica's: replicas whose clocks disagree still agree on when a lease ends. Every
 * change locks the lease's row, so that a takeover and a fenced write happen one after the other.
 */
public final class LeaseStore {
    private final Jdbi jdbi;

    LeaseStore(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    }

    /** Who holds a lease another replica asked for, and until when. */
    public record Holder(String holder, Instant until) {
    }

    /** Either the lease, or who holds it now. */
    public record Acquisition(Optional<Lease> lease, Optional<Holder> heldBy) {
        static Acquisition granted(Lease lease) {
            return new Acquisition(Optional.of(lease), Optional.empty());
        }

        static Acquisition refused(Holder holder) {
            return new Acquisition(Optional.empty(), Optional.of(holder));
        }
    }

    static Instant now(Handle handle) {
        return handle.createQuery("SELECT CURRENT_TIMESTAMP").map((rs, ctx) -> rs.getTimestamp(1).toInstant()).one();
    }

    /**
     * The lease on the resource for {@code holder}: granted when there is none, when it has expired, or
     * when {@code holder} has it already (then with a new token: the earlier work of the same run is
     * over, or it would not ask). Refused while another holder's lease runs.
     */
    public Acquisition acquire(String tenant, String resource, String holder, Duration ttl) {
        return jdbi.inTransaction(handle -> {
            Instant now = now(handle);
            Instant until = now.plus(ttl);
            Optional<Row> row = lock(handle, tenant, resource);
            if (row.isEmpty()) {
                // A resource's first lease: two replicas inserting it at once would collide on the key (and an error
                // aborts a PostgreSQL transaction), so first leases are taken one at a time, then looked for again.
                handle.createQuery("SELECT id FROM cluster_admission WHERE id = 1 FOR UPDATE").mapTo(Integer.class).one();
                row = lock(handle, tenant, resource);
            }
            if (row.isEmpty()) {
                handle.createUpdate("INSERT INTO resource_leases (tenant, resource, holder, token, acquired_at, expires_at) "
                                + "VALUES (:tenant, :resource, :holder, 1, :now, :until)")
                        .bind("tenant", tenant).bind("resource", resource).bind("holder", holder).bind("now", now).bind("until", until)
                        .execute();
                return Acquisition.granted(new Lease(tenant, resource, holder, 1, until));
            }
            Row current = row.get();
            if (current.expiresAt().isAfter(now) && !current.holder().equals(holder)) {
                return Acquisition.refused(new Holder(current.holder(), current.expiresAt()));
            }
            long token = current.token() + 1;
            handle.createUpdate("UPDATE resource_leases SET holder = :holder, token = :token, acquired_at = :now, expires_at = :until "
                            + "WHERE tenant = :tenant AND resource = :resource")
                    .bind("holder", holder).bind("token", token).bind("now", now).bind("until", until)
                    .bind("tenant", tenant).bind("resource", resource).execute();
            return Acquisition.granted(new Lease(tenant, resource, holder, token, until));
        });
    }

    /** The lease for another {@code ttl} from now; empty when it is no longer this holder's (expired and taken, or released). */
    public Optional<Lease> renew(Lease lease, Duration ttl) {
        return jdbi.inTransaction(handle -> {
            Instant now = now(handle);
            Instant until = now.plus(ttl);
            int updated = handle.createUpdate("UPDATE resource_leases SET expires_at = :until WHERE tenant = :tenant AND resource = :resource "
                            + "AND holder = :holder AND token = :token AND expires_at > :now")
                    .bind("until", until).bind("now", now).bind("tenant", lease.tenant()).bind("resource", lease.resource())
                    .bind("holder", lease.holder()).bind("token", lease.token()).execute();
            return updated == 1 ? Optional.of(lease.renewedUntil(until)) : Optional.empty();
        });
    }

    /** Ends the lease now (the token stays, so that the next holder's is higher). Nothing when it is no longer held. */
    public void release(Lease lease) {
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE resource_leases SET expires_at = CURRENT_TIMESTAMP WHERE tenant = :tenant "
                        + "AND resource = :resource AND holder = :holder AND token = :token")
                .bind("tenant", lease.tenant()).bind("resource", lease.resource())
                .bind("holder", lease.holder()).bind("token", lease.token()).execute());
    }

    /**
     * Ends every lease of an earlier run of this replica ({@code holder} starts with {@code replica/} and is
     * not {@code current}): that run is over, so its attempts are reconciled at once instead of after their
     * leases expire. Returns how many.
     */
    public int releaseEarlierRuns(String replica, String current) {
        return jdbi.withHandle(handle -> handle.createUpdate("UPDATE resource_leases SET expires_at = CURRENT_TIMESTAMP "
                        + "WHERE holder LIKE :prefix ESCAPE '!' AND holder <> :current AND expires_at > CURRENT_TIMESTAMP")
                .bind("prefix", escapeLike(replica) + "/%").bind("current", current).execute());
    }

    private static String escapeLike(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    /** True while {@code lease} is still its holder's (same token, not expired), by the database's clock. */
    public boolean holds(Lease lease) {
        return jdbi.withHandle(handle -> holds(handle, lease, false));
    }

    /**
     * Inside a transaction that changes an attempt: locks the lease's row and throws when the lease is no
     * longer held, so that the change is rolled back. A takeover waits for this transaction, or this one
     * sees the new token.
     */
    void fence(Handle handle, Lease lease) {
        if (!holds(handle, lease, true)) {
            throw new LeaseLostException(lease, "refusing the write");
        }
    }

    /** One round trip: the row only while it is this lease's (holder, token, not expired by the database's clock), locked when asked. */
    private static boolean holds(Handle handle, Lease lease, boolean forUpdate) {
        return handle.createQuery("SELECT token FROM resource_leases WHERE tenant = :tenant AND resource = :resource "
                        + "AND holder = :holder AND token = :token AND expires_at > CURRENT_TIMESTAMP" + (forUpdate ? " FOR UPDATE" : ""))
                .bind("tenant", lease.tenant()).bind("resource", lease.resource()).bind("holder", lease.holder())
                .bind("token", lease.token()).mapTo(Long.class).findOne().isPresent();
    }

    /** Who holds the resource now, if anyone's lease runs. */
    public Optional<Holder> holder(String tenant, String resource) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT holder, expires_at FROM resource_leases WHERE tenant = :tenant "
                        + "AND resource = :resource AND expires_at > CURRENT_TIMESTAMP")
                .bind("tenant", tenant).bind("resource", resource)
                .map((rs, ctx) -> new Holder(rs.getString("holder"), IssueStore.instant(rs, "expires_at"))).findOne());
    }

    private record Row(String holder, long token, Instant expiresAt) {
    }

    private static Optional<Row> lock(Handle handle, String tenant, String resource) {
        return handle.createQuery("SELECT holder, token, expires_at FROM resource_leases WHERE tenant = :tenant AND resource = :resource "
                        + "FOR UPDATE")
                .bind("tenant", tenant).bind("resource", resource)
                .map((rs, ctx) -> new Row(rs.getString("holder"), rs.getLong("token"), IssueStore.instant(rs, "expires_at"))).findOne();
    }
}
