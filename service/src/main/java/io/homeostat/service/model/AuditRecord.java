package io.homeostat.service.model;

import java.time.Instant;

/**
 * One row of the append-only audit chain. {@code hash} is SHA-256 over the previous row's hash
 * and this row's canonical content; {@code detail} is the masked JSON exactly as hashed.
 */
public record AuditRecord(long seq, Instant at, String tenant, String actor, String role, String kind, String subject,
                          String endpoint, String reason, String detail, String previousHash, String hash) {
}
