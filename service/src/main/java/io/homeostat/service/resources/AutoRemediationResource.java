package io.homeostat.service.resources;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Parameter;
import io.homeostat.service.api.PageView;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.Role;
import io.homeostat.service.inbox.EngineInput.AutoRemediationSwitch;
import io.homeostat.service.inbox.Inbox;
import io.homeostat.service.store.GateStateStore;
import io.homeostat.service.store.Store;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /api/v1/auto-remediation}: switch automatic remediation off and on, globally or for one
 * tenant. Persisted (it survives a restart) and handed to the rules, whose auto-remediation gate
 * blocks automatic runs while a switch is off; operators' manual runs still go through. The
 * listing shows the effective state, switched or not: a tenant is automated only while both its
 * own switch and the global one are on.
 */
@Path("/api/v1/auto-remediation")
@Produces(MediaType.APPLICATION_JSON)
public final class AutoRemediationResource {
    /** The body of a change: tenant absent means the caller's tenant, or the global switch for an all-tenants key. */
    public record Change(Boolean enabled, String tenant, String by, String reason) {
    }

    /** One switch as it is in effect; {@code changedBy} is null for a switch never touched (on by default). */
    public record State(String scope, boolean enabled, boolean effective, String changedBy, String reason, Instant changedAt) {
    }

    private final Store store;
    private final Inbox engine;
    private final Clock clock;

    public AutoRemediationResource(Store store, Inbox engine, Clock clock) {
        this.store = store;
        this.engine = engine;
        this.clock = clock;
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public PageView<State> list(@Parameter(hidden = true) @Auth Caller caller, @QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset) {
        Map<String, GateStateStore.Switch> byScope = new TreeMap<>();
        for (GateStateStore.Switch value : store.gateState().switches()) {
            byScope.put(value.scope(), value);
        }
        GateStateStore.Switch global = byScope.remove(AutoRemediationSwitch.GLOBAL);
        boolean globalOn = global == null || global.enabled();
        List<State> states = new ArrayList<>();
        states.add(state(AutoRemediationSwitch.GLOBAL, global, globalOn));
        if (caller.allTenants()) {
            byScope.forEach((scope, value) -> states.add(state(scope, value, globalOn)));
        } else {
            states.add(state(caller.tenant(), byScope.get(caller.tenant()), globalOn));
        }
        return Pages.of(states, ApiErrors.limit(limit), ApiErrors.offset(offset));
    }

    private static State state(String scope, GateStateStore.Switch value, boolean globalOn) {
        boolean enabled = value == null || value.enabled();
        boolean effective = scope.equals(AutoRemediationSwitch.GLOBAL) ? enabled : enabled && globalOn;
        return value == null ? new State(scope, true, effective, null, null, null)
                : new State(scope, enabled, effective, value.changedBy(), value.reason(), value.changedAt());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.OPERATOR_NAME)
    public GateStateStore.Switch change(@Parameter(hidden = true) @Auth Caller caller, Change change) {
        if (change == null || change.enabled() == null) {
            throw ApiErrors.error(422, "field 'enabled' (true or false) is required");
        }
        Operator.noClaimedName(change.by());
        String scope;
        if (change.tenant() == null) {
            scope = caller.allTenants() ? AutoRemediationSwitch.GLOBAL : caller.tenant();
        } else {
            scope = change.tenant().strip();
            if (scope.isEmpty() || scope.length() > 128) {
                throw ApiErrors.error(422, "field 'tenant' must be 1 to 128 characters, or absent");
            }
            if (scope.equals(AutoRemediationSwitch.GLOBAL)) {
                Tenancy.requireAllTenants(caller, "the global switch");
            } else {
                Tenancy.filter(caller, scope);
            }
        }
        Instant now = clock.instant();
        GateStateStore.Switch value = new GateStateStore.Switch(scope, change.enabled(), caller.name(),
                Operator.reason(change.reason()), now);
        store.gateState().saveSwitch(value, caller.actor("POST /api/v1/auto-remediation"));
        engine.submit(new AutoRemediationSwitch(scope, value.enabled(), value.changedBy(), value.reason(), now));
        return value;
    }
}
