package io.homeostat.service.resources;

import io.dropwizard.auth.Auth;
import io.homeostat.service.api.PageView;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.Role;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.TenantPolicy;
import io.homeostat.service.model.ApiKeyRecord;
import io.homeostat.service.store.KeyStore;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * {@code GET /api/v1/tenants} (admin): every tenant the service knows — configured under
 * {@code tenants:} or holding a key — with the policy in effect for it. A tenant's admin sees its own.
 */
@Path("/api/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
public final class TenantsResource {
    /** One tenant's effective policy; {@code actions} null means every loaded action. */
    public record TenantView(String tenant, boolean configured, int perTenantPerMinute, String approvalMinRisk, boolean dryRun,
                             boolean autoRemediationByDefault, List<String> actions, long activeKeys) {
    }

    /** The policy in effect: a configuration reload replaces it. */
    private final java.util.function.Supplier<PolicySettings> policy;
    private final KeyStore keys;

    public TenantsResource(java.util.function.Supplier<PolicySettings> policy, KeyStore keys) {
        this.policy = policy;
        this.keys = keys;
    }

    @GET
    @RolesAllowed(Role.ADMIN_NAME)
    public PageView<TenantView> list(@Parameter(hidden = true) @Auth Caller caller, @QueryParam("limit") Integer limit,
                                     @QueryParam("offset") Integer offset) {
        List<ApiKeyRecord> active = keys.list(caller.tenant(), false, 10_000, 0).items();
        PolicySettings policy = this.policy.get();
        TreeSet<String> names = new TreeSet<>(policy.getTenants().keySet());
        names.add("default");
        active.stream().map(ApiKeyRecord::tenant).filter(tenant -> tenant != null).forEach(names::add);
        List<TenantView> views = new ArrayList<>();
        for (String name : names) {
            if (!caller.sees(name)) {
                continue;
            }
            TenantPolicy own = policy.getTenants().get(name);
            views.add(new TenantView(name, own != null, policy.maxPerTenantPerMinute(name),
                    policy.approvalMinRisk(name).toLowerCase(Locale.ROOT), policy.dryRunReason(name, null) != null,
                    policy.autoRemediationByDefault(name), own == null || own.actions() == null ? null : List.copyOf(new TreeSet<>(own.actions())),
                    active.stream().filter(key -> name.equals(key.tenant())).count()));
        }
        return Pages.of(views, ApiErrors.limit(limit), ApiErrors.offset(offset));
    }
}
