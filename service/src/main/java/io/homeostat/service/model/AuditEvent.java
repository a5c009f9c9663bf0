package io.homeostat.service.model;

import java.util.Map;
import java.util.Objects;

/**
 * Something to record in the audit chain: who (actor), what (kind, subject), for which tenant
 * (null: all), through which endpoint (API calls), why (reason) and the details (before/after).
 * Details are masked before they are stored: no secret ever enters the chain.
 */
public record AuditEvent(String tenant, Actor actor, String kind, String subject, String endpoint, String reason,
                         Map<String, Object> detail) {
    public AuditEvent {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(kind, "kind");
        detail = detail == null ? Map.of() : detail;
    }

    public static AuditEvent of(String tenant, Actor actor, String kind, String subject, String reason, Map<String, Object> detail) {
        return new AuditEvent(tenant, actor, kind, subject, actor.endpoint(), reason, detail);
    }
}
