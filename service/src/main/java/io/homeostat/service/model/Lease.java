package io.homeostat.service.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A replica's right to remediate one resource until {@code expiresAt} (the database's clock), and the
 * fencing token its writes are checked against: taking a lease over raises the token, so that writes
 * of a holder that was paused past its lease are refused.
 *
 * @param holder the replica's id and this run of it ({@code replica/run})
 */
public record Lease(String tenant, String resource, String holder, long token, Instant expiresAt) {
    public Lease {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public Lease renewedUntil(Instant until) {
        return new Lease(tenant, resource, holder, token, until);
    }
}
