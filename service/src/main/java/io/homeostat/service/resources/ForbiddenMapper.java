package io.homeostat.service.resources;

import io.dropwizard.jersey.errors.ErrorMessage;
import io.homeostat.service.auth.Caller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.lang.reflect.Method;

/** 403 that says which key was refused and which role the endpoint needs, in the API's error shape. */
public final class ForbiddenMapper implements ExceptionMapper<ForbiddenException> {
    @Context
    private ResourceInfo resource;

    @Context
    private SecurityContext security;

    @Override
    public Response toResponse(ForbiddenException exception) {
        String message = "this key's role may not do this";
        Method method = resource == null ? null : resource.getResourceMethod();
        RolesAllowed roles = method == null ? null : method.getAnnotation(RolesAllowed.class);
        if (roles != null && security != null && security.getUserPrincipal() instanceof Caller caller) {
            message = "key '" + caller.name() + "' has role '" + caller.role().id() + "'; this needs "
                    + String.join(" or ", roles.value()) + " (roles: ingest sends signals; viewer < operator < admin)";
        }
        return Response.status(403).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorMessage(403, message)).build();
    }
}
