package io.homeostat.service.resources;

import io.dropwizard.jersey.errors.ErrorMessage;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.glassfish.jersey.server.ParamException;

/**
 * A query or path parameter of the wrong type ({@code ?limit=abc}): 400 naming the parameter.
 * JAX-RS answers 404 for a query parameter it cannot convert, which reads as "no such thing".
 */
public final class ParamExceptionMapper implements ExceptionMapper<ParamException> {
    @Override
    public Response toResponse(ParamException exception) {
        String where = exception instanceof ParamException.PathParamException ? "path parameter" : "query parameter";
        String message = where + " '" + exception.getParameterName() + "' has the wrong type"
                + (exception.getDefaultStringValue() == null ? "" : " (default " + exception.getDefaultStringValue() + ")")
                + ": it must be a whole number";
        return Response.status(400).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorMessage(400, message)).build();
    }
}
