package io.homeostat.service.resources;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.jersey.errors.ErrorMessage;
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

/**
 * {@code POST /api/v1/signals}: a batch {@code {"signals":[...]}}. 202 with the accepted count and
 * each rejected signal's index and reason; 413 over the batch limit; 429 with Retry-After when the
 * intake queue is full (nothing of the batch was queued, so it can be sent again as is).
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
    public Response submit(JsonNode body, @QueryParam("atomic") @DefaultValue("false") boolean atomic) {
        if (body == null || !body.isObject()) {
            throw ApiErrors.error(400, "the body must be a JSON object: {\"signals\": [ ... ]}");
        }
        JsonNode signals = body.get("signals");
        if (signals == null || !signals.isArray()) {
            throw ApiErrors.error(400, "the body must have a 'signals' array: {\"signals\": [ ... ]}");
        }
        if (signals.size() > intake.maxBatch()) {
            throw ApiErrors.error(413, "a batch may hold at most " + intake.maxBatch() + " signals; this one has " + signals.size()
                    + ": split it");
        }
        IntakeResult result;
        try {
            result = intake.submit(signals, atomic);
        } catch (Intake.QueueFullException e) {
            return Response.status(429).header("Retry-After", "1").type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorMessage(429, e.getMessage() + "; nothing was queued, retry the batch")).build();
        }
        boolean nothingUsable = result.accepted() == 0 && !result.rejected().isEmpty();
        return Response.status(nothingUsable ? 422 : 202).entity(result).build();
    }
}
