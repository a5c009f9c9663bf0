package io.homeostat.service.model;

import java.time.Instant;

/**
 * An API key as stored and listed: never the key itself, only its hash (kept out of this record
 * so that no answer can carry it). {@code tenant} null means all tenants (admin keys only).
 */
public record ApiKeyRecord(String id, String name, String role, String tenant, Instant createdAt, String createdBy,
                           Instant lastUsedAt, Instant revokedAt, String revokedBy) {
    public boolean revoked() {
        return revokedAt != null;
    }
}
