package io.homeostat.service.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.homeostat.service.model.Actor;
import io.homeostat.service.model.AuditEvent;
import io.homeostat.service.model.RuleVersionRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Accepted rule versions, newest first. */
public final class RuleVersionStore {
    private static final TypeReference<Map<String, String>> FILES = new TypeReference<>() { };

    private final Jdbi jdbi;
    private final JsonColumns json;
    private final AuditStore audit;

    RuleVersionStore(Jdbi jdbi, JsonColumns json, AuditStore audit) {
        this.jdbi = jdbi;
        this.json = json;
        this.audit = audit;
    }

    public void insert(RuleVersionRecord version) {
        jdbi.useTransaction(handle -> {
            handle.createUpdate("INSERT INTO rule_versions (id, version, files, rule_count, cause, swap_ms, created_at) "
                            + "VALUES (:id, :version, :filesJson, :ruleCount, :causeText, :swapMillis, :createdAt)")
                    .bindMethods(version).bind("filesJson", json.write(version.files()))
                    .bind("causeText", DecisionStore.truncate(version.cause(), 512)).execute();
            audit.append(handle, AuditEvent.of(null, Actor.RULE_SET, "rules.applied", version.id(), version.cause(),
                    Map.of("version", version.version(), "rules", version.ruleCount(), "files", List.copyOf(version.files().keySet()))),
                    version.createdAt());
        });
    }

    /** The newest first; files included only when {@code withFiles}. */
    public List<RuleVersionRecord> list(int limit, boolean withFiles) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM rule_versions ORDER BY created_at DESC, id DESC LIMIT :limit")
                .bind("limit", limit).map((rs, ctx) -> read(rs, withFiles)).list());
    }

    /** A page of versions without their files, newest first. */
    public Page<RuleVersionRecord> page(int limit, int offset) {
        return jdbi.withHandle(handle -> {
            long total = handle.createQuery("SELECT COUNT(*) FROM rule_versions").mapTo(Long.class).one();
            List<RuleVersionRecord> items = handle.createQuery("SELECT * FROM rule_versions ORDER BY created_at DESC, id DESC "
                            + "LIMIT :limit OFFSET :offset")
                    .bind("limit", limit).bind("offset", offset).map((rs, ctx) -> read(rs, false)).list();
            return new Page<>(items, total, limit, offset);
        });
    }

    /** One version with its files. */
    public Optional<RuleVersionRecord> find(String id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM rule_versions WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> read(rs, true)).findOne());
    }

    private RuleVersionRecord read(ResultSet rs, boolean withFiles) throws SQLException {
        long swap = rs.getLong("swap_ms");
        Long swapMillis = rs.wasNull() ? null : swap;
        Map<String, String> files = json.read(rs.getString("files"), FILES);
        return new RuleVersionRecord(rs.getString("id"), rs.getString("version"),
                withFiles ? files : namesOnly(files), rs.getInt("rule_count"), rs.getString("cause"), swapMillis,
                IssueStore.instant(rs, "created_at"));
    }

    private static Map<String, String> namesOnly(Map<String, String> files) {
        Map<String, String> names = new java.util.TreeMap<>();
        files.forEach((name, content) -> names.put(name, content.length() + " characters"));
        return names;
    }
}
