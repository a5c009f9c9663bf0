package io.homeostat.service.resources;

import io.dropwizard.auth.Auth;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.Role;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /api/v1/me}: who this key is (name, role, tenant). The dashboard signs in with it and
 * shows the buttons the role may use; the API still checks every call itself.
 */
@Path("/api/v1/me")
@Produces(MediaType.APPLICATION_JSON)
public final class MeResource {
    /** The answer: {@code tenant} null for an all-tenants key; {@code canAct} true from operator up. */
    public record Me(String keyId, String name, String role, String tenant, boolean canAct) {
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public Me me(@Parameter(hidden = true) @Auth Caller caller) {
        return new Me(caller.keyId(), caller.name(), caller.role().id(), caller.tenant(), caller.role().includes(Role.OPERATOR));
    }
}
