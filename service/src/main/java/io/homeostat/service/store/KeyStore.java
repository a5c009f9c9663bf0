package io.homeostat.service.store;

import io.homeostat.service.model.Actor;
import io.homeostat.service.model.ApiKeyRecord;
import io.homeostat.service.model.AuditEvent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** API keys by the SHA-256 of the key; the key itself is never stored. */
public final class KeyStore {
    private static final String COLUMNS = "id, name, role, tenant, created_at, created_by, last_used_at, revoked_at, revoked_by";

    private final Jdbi jdbi;
    private final AuditStore audit;

    KeyStore(Jdbi jdbi, AuditStore audit) {
        this.jdbi = jdbi;
        this.audit = audit;
    }

    /** Inserts a key; false when an active key already has this name (names identify keys in the audit). */
    public boolean insert(ApiKeyRecord key, String hash, Actor by) {
        return jdbi.inTransaction(handle -> {
            boolean taken = handle.createQuery("SELECT COUNT(*) FROM api_keys WHERE name = :name AND revoked_at IS NULL")
                    .bind("name", key.name()).mapTo(Long.class).one() > 0;
            if (taken) {
                return false;
            }
            handle.createUpdate("INSERT INTO api_keys (" + COLUMNS + ", key_hash) VALUES (:id, :name, :role, :tenant, :createdAt, "
                            + ":createdBy, :lastUsedAt, :revokedAt, :revokedBy, :hash)")
                    .bindMethods(key).bind("hash", hash).execute();
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("name", key.name());
            detail.put("role", key.role());
            detail.put("tenant", key.tenant() == null ? "(all tenants)" : key.tenant());
            audit.append(handle, AuditEvent.of(key.tenant(), by, "apikey.created", key.id(), null, detail), key.createdAt());
            return true;
        });
    }

    public long count() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM api_keys").mapTo(Long.class).one());
    }

    /** The active key with this hash, if any. */
    public Optional<ApiKeyRecord> findActiveByHash(String hash) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM api_keys WHERE key_hash = :hash "
                        + "AND revoked_at IS NULL")
                .bind("hash", hash).map((rs, ctx) -> read(rs)).findOne());
    }

    public Optional<ApiKeyRecord> find(String id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM api_keys WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> read(rs)).findOne());
    }

    /** The active key with this name, if any. */
    public Optional<ApiKeyRecord> findActiveByName(String name) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM api_keys WHERE name = :name "
                        + "AND revoked_at IS NULL")
                .bind("name", name).map((rs, ctx) -> read(rs)).findOne());
    }

    /** Keys of one tenant (or of all tenants when {@code tenant} is null), newest first. */
    public Page<ApiKeyRecord> list(String tenant, boolean includeRevoked, int limit, int offset) {
        Filter filter = new Filter().equal("tenant", tenant);
        String where = filter.where() + (includeRevoked ? "" : (filter.where().isEmpty() ? " WHERE" : " AND") + " revoked_at IS NULL");
        return jdbi.withHandle(handle -> {
            long total = handle.createQuery("SELECT COUNT(*) FROM api_keys" + where).bindMap(filter.bindings()).mapTo(Long.class).one();
            List<ApiKeyRecord> items = handle.createQuery("SELECT " + COLUMNS + " FROM api_keys" + where
                            + " ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset")
                    .bindMap(filter.bindings()).bind("limit", limit).bind("offset", offset)
                    .map((rs, ctx) -> read(rs)).list();
            return new Page<>(items, total, limit, offset);
        });
    }

    /** Revokes an active key; false when it is unknown or already revoked. */
    public boolean revoke(String id, Actor by, Instant now) {
        return jdbi.inTransaction(handle -> {
            boolean revoked = handle.createUpdate("UPDATE api_keys SET revoked_at = :now, revoked_by = :by "
                            + "WHERE id = :id AND revoked_at IS NULL")
                    .bind("now", now).bind("by", by.name()).bind("id", id).execute() == 1;
            if (revoked) {
                ApiKeyRecord key = handle.createQuery("SELECT " + COLUMNS + " FROM api_keys WHERE id = :id").bind("id", id)
                        .map((rs, ctx) -> read(rs)).one();
                audit.append(handle, AuditEvent.of(key.tenant(), by, "apikey.revoked", id, null,
                        Map.of("name", key.name(), "role", key.role())), now);
            }
            return revoked;
        });
    }

    public void touch(String id, Instant now) {
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE api_keys SET last_used_at = :now WHERE id = :id")
                .bind("now", now).bind("id", id).execute());
    }

    private static ApiKeyRecord read(ResultSet rs) throws SQLException {
        return new ApiKeyRecord(rs.getString("id"), rs.getString("name"), rs.getString("role"), rs.getString("tenant"),
                IssueStore.instant(rs, "created_at"), rs.getString("created_by"), IssueStore.instant(rs, "last_used_at"),
                IssueStore.instant(rs, "revoked_at"), rs.getString("revoked_by"));
    }
}
