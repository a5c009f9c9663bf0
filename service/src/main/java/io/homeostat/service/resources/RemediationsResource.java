package io.homeostat.service.resources;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Parameter;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.Role;
import jakarta.annotation.security.RolesAllowed;
import io.homeostat.service.api.PageView;
import io.homeostat.service.model.RemediationRecord;
import io.homeostat.service.store.Page;
import io.homeostat.service.store.Store;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;

/** {@code GET /api/v1/remediations} (filter by tenant, state, resource, issue; paginated) and one remediation. */
@Path("/api/v1/remediations")
@Produces(MediaType.APPLICATION_JSON)
public final class RemediationsResource {
    private static final Set<String> STATES = Set.of(RemediationRecord.PENDING, RemediationRecord.RUNNING,
            RemediationRecord.SUCCEEDED, RemediationRecord.FAILED, RemediationRecord.INTERRUPTED, RemediationRecord.NOT_APPLICABLE,
            RemediationRecord.CANCELLED);

    private final Store store;

    public RemediationsResource(Store store) {
        this.store = store;
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public PageView<RemediationRecord> list(@Parameter(hidden = true) @Auth Caller caller, @QueryParam("tenant") String tenant, @QueryParam("state") String state,
                                            @QueryParam("resource") String resource, @QueryParam("issueId") String issueId,
                                            @QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset) {
        Page<RemediationRecord> page = store.remediations().list(Tenancy.filter(caller, tenant), ApiErrors.oneOf("state", state, STATES), resource, issueId,
                ApiErrors.limit(limit), ApiErrors.offset(offset));
        return new PageView<>(page.items(), page.total(), page.limit(), page.offset());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Role.VIEWER_NAME)
    public RemediationRecord get(@Parameter(hidden = true) @Auth Caller caller, @PathParam("id") String id) {
        return Tenancy.visible(caller, store.remediations().find(id), RemediationRecord::tenant, "remediation", id);
    }
}
