package io.homeostat.service.resources;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.exc.StreamReadException;
import io.dropwizard.jersey.errors.ErrorMessage;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * 400 for a body that is not JSON, saying where parsing stopped. More specific than Dropwizard's
 * default mapper, whose message ("Unable to process JSON") does not say what is wrong.
 */
public final class MalformedJsonMapper implements ExceptionMapper<StreamReadException> {
    @Override
    public Response toResponse(StreamReadException exception) {
        JsonLocation location = exception.getLocation();
        String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        String detail = exception.getOriginalMessage();
        int noise = detail.indexOf(" (start marker at");
        String message = "malformed JSON" + where + ": " + (noise > 0 ? detail.substring(0, noise) : detail);
        return Response.status(400).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorMessage(400, message)).build();
    }
}
