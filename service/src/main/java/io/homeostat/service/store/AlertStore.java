package io.homeostat.service.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.homeostat.service.model.AlertRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Alertmanager alerts as the engine last saw them, one row per (tenant, fingerprint). */
public final class AlertStore {
    private static final String COLUMNS = "tenant, fingerprint, alertname, resource, issue_type, severity, status, starts_at, ends_at, "
            + "hold_off_millis, labels, annotations, source, updated_at";
    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {
    };

    private final Jdbi jdbi;
    private final JsonColumns json;

    AlertStore(Jdbi jdbi, JsonColumns json) {
        this.jdbi = jdbi;
        this.json = json;
    }

    void upsert(Handle handle, AlertRecord alert) {
        int updated = handle.createUpdate("UPDATE alerts SET alertname = :alertname, resource = :resource, issue_type = :issueType, "
                        + "severity = :severity, status = :status, starts_at = :startsAt, ends_at = :endsAt, hold_off_millis = :holdOffMillis, "
                        + "labels = :labelsJson, annotations = :annotationsJson, source = :source, updated_at = :updatedAt "
                        + "WHERE tenant = :tenant AND fingerprint = :fingerprint")
                .bindMethods(alert).bind("labelsJson", json.write(alert.labels())).bind("annotationsJson", json.write(alert.annotations()))
                .execute();
        if (updated == 0) {
            handle.createUpdate("INSERT INTO alerts (" + COLUMNS + ") VALUES (:tenant, :fingerprint, :alertname, :resource, :issueType, "
                            + ":severity, :status, :startsAt, :endsAt, :holdOffMillis, :labelsJson, :annotationsJson, :source, :updatedAt)")
                    .bindMethods(alert).bind("labelsJson", json.write(alert.labels()))
                    .bind("annotationsJson", json.write(alert.annotations())).execute();
        }
    }

    /** Alerts heard of since {@code since}: what a restart's duplicate check starts from. */
    public List<AlertRecord> since(Instant since, int limit) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM alerts WHERE updated_at >= :since "
                        + "ORDER BY updated_at DESC")
                .bind("since", since).setMaxRows(limit).map((rs, ctx) -> read(rs)).list());
    }

    /** Alerts still firing: back into the engine at start-up (their hold-offs). */
    public List<AlertRecord> firing() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM alerts WHERE status = :firing ORDER BY starts_at")
                .bind("firing", AlertRecord.FIRING).map((rs, ctx) -> read(rs)).list());
    }

    /** Alerts of {@code tenant} (all tenants when null), newest first. */
    public Page<AlertRecord> list(String tenant, String status, int limit, int offset) {
        String where = " WHERE (:tenant IS NULL OR tenant = :tenant) AND (:status IS NULL OR status = :status)";
        return jdbi.withHandle(handle -> {
            long total = handle.createQuery("SELECT COUNT(*) FROM alerts" + where).bind("tenant", tenant).bind("status", status)
                    .mapTo(Long.class).one();
            List<AlertRecord> items = handle.createQuery("SELECT " + COLUMNS + " FROM alerts" + where
                            + " ORDER BY updated_at DESC, fingerprint LIMIT :limit OFFSET :offset")
                    .bind("tenant", tenant).bind("status", status).bind("limit", limit).bind("offset", offset)
                    .map((rs, ctx) -> read(rs)).list();
            return new Page<>(items, total, limit, offset);
        });
    }

    /** Forgets resolved alerts not heard of since {@code before}, and firing ones not heard of since {@code firingBefore}. */
    public int forget(Instant before, Instant firingBefore) {
        return jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM alerts WHERE (status = :resolved AND updated_at < :before) "
                        + "OR updated_at < :firingBefore")
                .bind("resolved", AlertRecord.RESOLVED).bind("before", before).bind("firingBefore", firingBefore).execute());
    }

    private AlertRecord read(ResultSet rs) throws SQLException {
        return new AlertRecord(rs.getString("tenant"), rs.getString("fingerprint"), rs.getString("alertname"), rs.getString("resource"),
                rs.getString("issue_type"), rs.getString("severity"), rs.getString("status"), IssueStore.instant(rs, "starts_at"),
                IssueStore.instant(rs, "ends_at"), rs.getLong("hold_off_millis"), json.read(rs.getString("labels"), STRINGS),
                json.read(rs.getString("annotations"), STRINGS), rs.getString("source"), IssueStore.instant(rs, "updated_at"));
    }
}
