package io.homeostat.service.store;

import io.homeostat.service.model.Actor;
import io.homeostat.service.model.AuditEvent;
import io.homeostat.service.model.BreakerRecord;
import io.homeostat.service.model.StatisticsRecord;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Gate state keyed by what it is about rather than by an id: circuit breakers (per action and
 * resource), learned statistics (per issue type, action and resource kind), the auto-remediation
 * switches (global or per tenant) and the plugins an operator disabled.
 */
public final class GateStateStore {
    private final Jdbi jdbi;
    private final AuditStore audit;

    GateStateStore(Jdbi jdbi, AuditStore audit) {
        this.jdbi = jdbi;
        this.audit = audit;
    }

    void upsert(Handle handle, BreakerRecord breaker) {
        int updated = handle.createUpdate("UPDATE breakers SET state = :state, consecutive_failures = :consecutiveFailures, "
                        + "opened_at = :openedAt, trial_decision_id = :trialDecisionId, updated_at = :updatedAt "
                        + "WHERE tenant = :tenant AND resource = :resource AND action_id = :actionId")
                .bindMethods(breaker).execute();
        if (updated == 0) {
            handle.createUpdate("INSERT INTO breakers (tenant, resource, action_id, state, consecutive_failures, opened_at, "
                            + "trial_decision_id, updated_at) VALUES (:tenant, :resource, :actionId, :state, :consecutiveFailures, "
                            + ":openedAt, :trialDecisionId, :updatedAt)")
                    .bindMethods(breaker).execute();
        }
    }

    void upsert(Handle handle, StatisticsRecord stats) {
        int updated = handle.createUpdate("UPDATE action_statistics SET attempts = :attempts, successes = :successes, "
                        + "total_recovery_ms = :totalRecoveryMillis "
                        + "WHERE issue_type = :issueType AND action_id = :actionId AND resource_kind = :resourceKind")
                .bindMethods(stats).execute();
        if (updated == 0) {
            handle.createUpdate("INSERT INTO action_statistics (issue_type, action_id, resource_kind, attempts, successes, "
                            + "total_recovery_ms) VALUES (:issueType, :actionId, :resourceKind, :attempts, :successes, :totalRecoveryMillis)")
                    .bindMethods(stats).execute();
        }
    }

    public List<BreakerRecord> breakers() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM breakers ORDER BY tenant, resource, action_id")
                .map((rs, ctx) -> new BreakerRecord(rs.getString("tenant"), rs.getString("resource"), rs.getString("action_id"),
                        rs.getString("state"), rs.getInt("consecutive_failures"), IssueStore.instant(rs, "opened_at"),
                        rs.getString("trial_decision_id"), IssueStore.instant(rs, "updated_at")))
                .list());
    }

    public List<StatisticsRecord> statistics() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM action_statistics ORDER BY issue_type, action_id, resource_kind")
                .map((rs, ctx) -> new StatisticsRecord(rs.getString("issue_type"), rs.getString("action_id"), rs.getString("resource_kind"),
                        rs.getLong("attempts"), rs.getLong("successes"), rs.getLong("total_recovery_ms")))
                .list());
    }

    /** One auto-remediation switch. */
    public record Switch(String scope, boolean enabled, String changedBy, String reason, Instant changedAt) {
    }

    public void saveSwitch(Switch value, Actor actor) {
        jdbi.useTransaction(handle -> {
            Boolean before = handle.createQuery("SELECT enabled FROM auto_remediation WHERE scope = :scope")
                    .bind("scope", value.scope()).mapTo(Boolean.class).findOne().orElse(null);
            int updated = handle.createUpdate("UPDATE auto_remediation SET enabled = :enabled, changed_by = :changedBy, reason = :reason, "
                    + "changed_at = :changedAt WHERE scope = :scope").bindMethods(value).execute();
            if (updated == 0) {
                handle.createUpdate("INSERT INTO auto_remediation (scope, enabled, changed_by, reason, changed_at) "
                        + "VALUES (:scope, :enabled, :changedBy, :reason, :changedAt)").bindMethods(value).execute();
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("before", before == null ? "on (never switched)" : before ? "on" : "off");
            detail.put("after", value.enabled() ? "on" : "off");
            audit.append(handle, AuditEvent.of(value.scope().equals("*") ? null : value.scope(), actor, "auto-remediation.switched",
                    value.scope(), value.reason(), detail), value.changedAt());
        });
    }

    /** Maintenance an operator switched on: globally ({@code scope} "global") or for one label ({@code label:KEY=VALUE}), until it ends. */
    public record Maintenance(String scope, String labelKey, String labelValue, Instant until, String setBy, String reason, Instant setAt) {
    }

    /** Starts (or extends) maintenance of its scope, audited. */
    public void saveMaintenance(Maintenance value, Actor actor) {
        jdbi.useTransaction(handle -> {
            handle.createUpdate("DELETE FROM maintenance_modes WHERE scope = :scope").bind("scope", value.scope()).execute();
            handle.createUpdate("INSERT INTO maintenance_modes (scope, label_key, label_value, until_at, set_by, reason, set_at) "
                    + "VALUES (:scope, :labelKey, :labelValue, :until, :setBy, :reason, :setAt)").bindMethods(value).execute();
            audit.append(handle, AuditEvent.of(null, actor, "maintenance.started", value.scope(), value.reason(),
                    Map.of("until", value.until().toString())), value.setAt());
        });
    }

    /** Ends maintenance of its scope, audited; false when none was on. */
    public boolean endMaintenance(String scope, Actor actor, String reason, Instant at) {
        return jdbi.inTransaction(handle -> {
            int deleted = handle.createUpdate("DELETE FROM maintenance_modes WHERE scope = :scope").bind("scope", scope).execute();
            if (deleted > 0) {
                audit.append(handle, AuditEvent.of(null, actor, "maintenance.ended", scope, reason, Map.of()), at);
            }
            return deleted > 0;
        });
    }

    /** Maintenance still on at {@code now}. */
    public List<Maintenance> maintenance(Instant now) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM maintenance_modes WHERE until_at > :now ORDER BY scope")
                .bind("now", now)
                .map((rs, ctx) -> new Maintenance(rs.getString("scope"), rs.getString("label_key"), rs.getString("label_value"),
                        IssueStore.instant(rs, "until_at"), rs.getString("set_by"), rs.getString("reason"), IssueStore.instant(rs, "set_at")))
                .list());
    }

    /** Plugins an operator disabled. */
    public java.util.Set<String> disabledPlugins() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT plugin_id FROM plugin_switches WHERE enabled = FALSE")
                .mapTo(String.class).set());
    }

    public void savePluginSwitch(String pluginId, boolean enabled, Actor actor, String reason, Instant at) {
        String by = actor.name();
        jdbi.useTransaction(handle -> {
            Boolean before = handle.createQuery("SELECT enabled FROM plugin_switches WHERE plugin_id = :id")
                    .bind("id", pluginId).mapTo(Boolean.class).findOne().orElse(null);
            int updated = handle.createUpdate("UPDATE plugin_switches SET enabled = :enabled, changed_by = :by, reason = :reason, "
                            + "changed_at = :at WHERE plugin_id = :id")
                    .bind("enabled", enabled).bind("by", by).bind("reason", reason).bind("at", at).bind("id", pluginId).execute();
            if (updated == 0) {
                handle.createUpdate("INSERT INTO plugin_switches (plugin_id, enabled, changed_by, reason, changed_at) "
                                + "VALUES (:id, :enabled, :by, :reason, :at)")
                        .bind("enabled", enabled).bind("by", by).bind("reason", reason).bind("at", at).bind("id", pluginId).execute();
            }
            audit.append(handle, AuditEvent.of(null, actor, enabled ? "plugin.enabled" : "plugin.disabled", pluginId, reason,
                    Map.of("before", before == null || before ? "enabled" : "disabled", "after", enabled ? "enabled" : "disabled")), at);
        });
    }

    public List<Switch> switches() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM auto_remediation ORDER BY scope")
                .map((rs, ctx) -> new Switch(rs.getString("scope"), rs.getBoolean("enabled"), rs.getString("changed_by"),
                        rs.getString("reason"), IssueStore.instant(rs, "changed_at")))
                .list());
    }
}
