package io.homeostat.service.resources;

import io.dropwizard.jersey.errors.ErrorMessage;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Set;

/** Builds the API's error answers: {"code": N, "message": "what is wrong and where"}. */
final class ApiErrors {
    private ApiErrors() {
    }

    static WebApplicationException error(int status, String message) {
        return new WebApplicationException(message, Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorMessage(status, message))
                .build());
    }

    static int limit(Integer limit) {
        if (limit == null) {
            return 50;
        }
        if (limit < 1 || limit > 500) {
            throw error(400, "query parameter 'limit' must be between 1 and 500, was " + limit);
        }
        return limit;
    }

    static int offset(Integer offset) {
        if (offset == null) {
            return 0;
        }
        if (offset < 0) {
            throw error(400, "query parameter 'offset' must be 0 or more, was " + offset);
        }
        return offset;
    }

    static String oneOf(String name, String value, Set<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            throw error(400, "query parameter '" + name + "' must be one of " + allowed + ", was '" + value + "'");
        }
        return value;
    }
}
