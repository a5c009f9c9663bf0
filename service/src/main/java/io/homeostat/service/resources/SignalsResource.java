package io.homeostat.service.resources;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Parameter;
import io.dropwizard.jersey.errors.ErrorMessage;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.Role;
import jakarta.annotation.security.RolesAllowed;
import io.homeostat.service.intake.Intake;
import io.homeostat.service.intake.IntakeResult;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code POST /api/v1/signals}: a batch {@code {"signals":[...]}}. 202 with the accepted count and
 * each rejected signal's index and reason; 413 over the batch limit; 429 with Retry-After when the
 * intake queue is full and 503 with Retry-After while evaluation lags beyond {@code intake.maxEvaluationLag}
 * (in both cases nothing of the batch was queued, so it can be sent again as is). Every
 * signal belongs to the sending key's tenant; a signal that names another is rejected (422 for it).
 */
@Path("/api/v1/signals")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public final class SignalsResource {
    private final Intake intake;

    public SignalsResource(Intake intake) {
        this.intake = intake;
    }

    @POST
    @RolesAllowed(Role.INGEST_NAME)
    public Response submit(@Parameter(hidden = true) @Auth Caller caller, InputStream body, @QueryParam("atomic") @DefaultValue("false") boolean atomic) throws IOException {
        IntakeResult result;
        try {
            result = intake.submit(body, atomic, caller.tenant());
        } catch (Intake.BadBatchException e) {
            throw ApiErrors.error(e.isTooLarge() ? 413 : 400, e.getMessage());
        } catch (Intake.RefusedException e) {
            return Response.status(503).header("Retry-After", "5").type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorMessage(503, e.getMessage())).build();
        } catch (Intake.QueueFullException e) {
            return Response.status(429).header("Retry-After", "1").type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorMessage(429, e.getMessage() + "; nothing was queued, retry the batch")).build();
        }
        boolean nothingUsable = result.accepted() == 0 && !result.rejected().isEmpty();
        return Response.status(nothingUsable ? 422 : 202).entity(result).build();
    }
}
