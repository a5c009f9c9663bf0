package io.homeostat.service.resources;

import io.dropwizard.auth.Auth;
import io.dropwizard.jersey.errors.ErrorMessage;
import io.homeostat.service.alertmanager.AlertIntake;
import io.homeostat.service.alertmanager.Notification;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.Role;
import io.homeostat.service.intake.Intake;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code POST /api/v1/alertmanager}: Alertmanager's webhook (payload version 4), with an ingest key
 * ({@code http_config.authorization.credentials} in the receiver); the alerts are of the key's
 * tenant. 200 with what became of each alert (accepted, duplicates, unmapped, rejected with why);
 * 422 when no alert could be used; 503 with Retry-After while the engine lags or is full, which
 * Alertmanager retries (it does not retry a 4xx).
 */
@Path("/api/v1/alertmanager")
@Produces(MediaType.APPLICATION_JSON)
public final class AlertmanagerResource {
    private final AlertIntake alerts;

    public AlertmanagerResource(AlertIntake alerts) {
        this.alerts = alerts;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.INGEST_NAME)
    public Response notify(@Parameter(hidden = true) @Auth Caller caller, Notification notification) {
        AlertIntake.Result result;
        try {
            result = alerts.submit(notification, caller.tenant());
        } catch (AlertIntake.BadNotification e) {
            throw ApiErrors.error(422, e.getMessage());
        } catch (Intake.RefusedException e) {
            return Response.status(503).header("Retry-After", "5").type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorMessage(503, e.getMessage())).build();
        }
        boolean nothingUsable = result.accepted() == 0 && result.duplicates() == 0 && !result.rejected().isEmpty();
        return Response.status(nothingUsable ? 422 : 200).entity(result).build();
    }
}
