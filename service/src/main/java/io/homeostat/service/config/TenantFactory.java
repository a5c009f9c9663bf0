package io.homeostat.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.validation.OneOf;
import io.homeostat.service.engine.facts.AutonomyMode;
import io.homeostat.service.engine.facts.TenantPolicy;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * {@code tenants.<name>:} one tenant's policy overrides; every field is optional and an absent one
 * keeps the global value of {@code policy:}.
 */
public class TenantFactory {
    /** The tenant's own limit of remediations per minute (policy.rateLimits.perTenantPerMinute otherwise). */
    @Min(0)
    @Max(100_000)
    @JsonProperty
    private Integer perTenantPerMinute;

    /** Actions at or above this risk wait for a human; "none" switches approval off for the tenant. */
    @OneOf(value = {"none", "low", "medium", "high", "critical"}, ignoreCase = true)
    @JsonProperty
    private String approvalMinRisk;

    /** true: the tenant's decisions record what would run and run nothing. */
    @JsonProperty
    private Boolean dryRun;

    /** false: automatic runs are off for the tenant until an operator switches them on. */
    @JsonProperty
    private Boolean autoRemediation;

    /** The action ids the tenant may use; absent: every loaded action. */
    @JsonProperty
    private List<String> actions;

    /** The mode the tenant's (issue type, action) pairs start in: observe, suggest or auto (policy.autonomy.startIn otherwise). */
    @OneOf(value = {"observe", "suggest", "auto"}, ignoreCase = true)
    @JsonProperty
    private String autonomyStartIn;

    public TenantPolicy build(String tenant) {
        return new TenantPolicy(tenant, perTenantPerMinute, approvalMinRisk, dryRun, autoRemediation,
                actions == null ? null : new LinkedHashSet<>(actions),
                autonomyStartIn == null ? null : AutonomyMode.fromLabel(autonomyStartIn));
    }
}
