package io.homeostat.service.resources;

import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import io.dropwizard.jersey.errors.ErrorMessage;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSON body that parses but does not fit the request (a wrong type, an unknown field, a key given
 * twice inside an object): 400 that says which field and what is wrong, instead of Dropwizard's
 * "Unable to process JSON". A type the server itself cannot bind is a bug: 500, logged.
 */
public final class JsonMappingMapper implements ExceptionMapper<JsonMappingException> {
    private static final Logger LOG = LoggerFactory.getLogger(JsonMappingMapper.class);

    @Override
    public Response toResponse(JsonMappingException exception) {
        if (exception instanceof InvalidDefinitionException) {
            LOG.error("a request type cannot be bound from JSON", exception);
            return answer(500, "the server cannot read this request type; this is a bug");
        }
        if (exception.getCause() instanceof StreamReadException malformed) {
            return new MalformedJsonMapper().toResponse(malformed);
        }
        String path = exception.getPath().stream()
                .map(reference -> reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        String detail = exception.getOriginalMessage();
        int newline = detail == null ? -1 : detail.indexOf('\n');
        detail = detail == null ? "cannot be read" : newline < 0 ? detail : detail.substring(0, newline);
        int noise = detail.indexOf(" (for ");
        detail = noise > 0 ? detail.substring(0, noise) : detail;
        return answer(400, (path.isEmpty() ? "the body" : "field '" + path + "'") + ": " + detail);
    }

    private static Response answer(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorMessage(status, message)).build();
    }
}
