package io.homeostat.service.engine.facts;

import java.util.Objects;
import java.util.Set;

/**
 * One tenant's overrides of the policy numbers (config.yml {@code tenants:}); a null field keeps
 * the global value. Read by the gate rules through {@link PolicySettings}' tenant-aware methods.
 *
 * @param perTenantPerMinute the tenant's rate limit ({@code rate.tenant})
 * @param approvalMinRisk actions at or above this risk wait for a human ("none": never)
 * @param dryRun true: the tenant's decisions record what would run and run nothing
 * @param autoRemediation false: automatic runs are off until an operator switches them on
 * @param actions the actions the tenant may use; null: every loaded action
 * @param autonomyStartIn the mode the tenant's (issue type, action) pairs start in; null: policy.autonomy.startIn
 */
public record TenantPolicy(String tenant, Integer perTenantPerMinute, String approvalMinRisk, Boolean dryRun, Boolean autoRemediation,
                           Set<String> actions, AutonomyMode autonomyStartIn) {
    public TenantPolicy {
        Objects.requireNonNull(tenant, "tenant");
        actions = actions == null ? null : Set.copyOf(actions);
    }
}
