package io.homeostat.service.resources;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Parameter;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.Role;
import jakarta.annotation.security.RolesAllowed;
import io.homeostat.service.plugins.PluginInfo;
import io.homeostat.service.plugins.PluginRegistry;
import io.homeostat.service.plugins.PluginStatus;
import io.homeostat.service.store.Store;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.List;

/**
 * {@code /api/v1/plugins}: the loaded plugins (id, version, jar, state, enabled, actions with their
 * metadata) and the jars that were rejected with their reasons; enable and disable a plugin
 * (persisted: a disabled plugin stays disabled across restarts and reloads of its jar).
 */
@Path("/api/v1/plugins")
@Produces(MediaType.APPLICATION_JSON)
public final class PluginsResource {
    /** The answer of the list. */
    public record Plugins(List<PluginInfo> plugins, List<String> rejected) {
    }

    /** The body of enable and disable. */
    public record Change(String by, String reason) {
    }

    private final PluginRegistry registry;
    private final Store store;
    private final Clock clock;

    public PluginsResource(PluginRegistry registry, Store store, Clock clock) {
        this.registry = registry;
        this.store = store;
        this.clock = clock;
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public Plugins list() {
        PluginStatus status = registry.status();
        return new Plugins(registry.plugins(), status.failures());
    }

    @POST
    @Path("/{id}/enable")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.ADMIN_NAME)
    public PluginInfo enable(@Parameter(hidden = true) @Auth Caller caller, @PathParam("id") String id, Change change) {
        return change(caller, id, change, true);
    }

    @POST
    @Path("/{id}/disable")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.ADMIN_NAME)
    public PluginInfo disable(@Parameter(hidden = true) @Auth Caller caller, @PathParam("id") String id, Change change) {
        return change(caller, id, change, false);
    }

    private PluginInfo change(Caller caller, String id, Change change, boolean enabled) {
        Tenancy.requireAllTenants(caller, "enabling or disabling a plugin");
        Operator.noClaimedName(change == null ? null : change.by());
        String reason = Operator.reason(change == null ? null : change.reason());
        PluginInfo plugin = registry.plugin(id).orElseThrow(() -> ApiErrors.error(404, "no loaded plugin with id '" + id + "'"));
        store.gateState().savePluginSwitch(plugin.id(), enabled,
                caller.actor("POST /api/v1/plugins/{id}/" + (enabled ? "enable" : "disable")), reason, clock.instant());
        registry.setEnabled(plugin.id(), enabled);
        return registry.plugin(id).orElseThrow();
    }
}
