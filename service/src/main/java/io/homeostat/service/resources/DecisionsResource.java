package io.homeostat.service.resources;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Parameter;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.Role;
import jakarta.annotation.security.RolesAllowed;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.store.Store;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/v1/decisions/{id}}: a decision with its explanation (rules, gate verdicts, figures). */
@Path("/api/v1/decisions")
@Produces(MediaType.APPLICATION_JSON)
public final class DecisionsResource {
    private final Store store;

    public DecisionsResource(Store store) {
        this.store = store;
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Role.VIEWER_NAME)
    public DecisionRecord get(@Parameter(hidden = true) @Auth Caller caller, @PathParam("id") String id) {
        return Tenancy.visible(caller, store.decisions().find(id), DecisionRecord::tenant, "decision", id);
    }
}
