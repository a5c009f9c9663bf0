package io.homeostat.service.resources;

import io.dropwizard.auth.Auth;
import io.homeostat.service.api.PageView;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.Role;
import io.homeostat.service.model.AlertRecord;
import io.homeostat.service.store.AlertStore;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;

/**
 * {@code GET /api/v1/alerts}: the Alertmanager alerts Homeostat has heard of, with their labels and
 * annotations, the resource and issue type their mapping gave them (none: unmapped), newest first.
 */
@Path("/api/v1/alerts")
@Produces(MediaType.APPLICATION_JSON)
public final class AlertsResource {
    private static final Set<String> STATUSES = Set.of(AlertRecord.FIRING, AlertRecord.RESOLVED);

    private final AlertStore alerts;

    public AlertsResource(AlertStore alerts) {
        this.alerts = alerts;
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public PageView<AlertRecord> list(@Parameter(hidden = true) @Auth Caller caller, @QueryParam("status") String status,
                                      @QueryParam("tenant") String tenant, @QueryParam("limit") Integer limit,
                                      @QueryParam("offset") Integer offset) {
        return Pages.of(alerts.list(Tenancy.filter(caller, tenant), status == null ? null : ApiErrors.oneOf("status", status, STATUSES),
                ApiErrors.limit(limit), ApiErrors.offset(offset)));
    }
}
