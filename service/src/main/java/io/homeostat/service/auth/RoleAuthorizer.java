package io.homeostat.service.auth;

import io.dropwizard.auth.Authorizer;
import jakarta.ws.rs.container.ContainerRequestContext;

/** {@code @RolesAllowed} checks: a role includes the ones below it (see {@link Role#includes}). */
public final class RoleAuthorizer implements Authorizer<Caller> {
    @Override
    public boolean authorize(Caller caller, String role, ContainerRequestContext context) {
        try {
            return caller.role().includes(Role.parse(role));
        } catch (IllegalArgumentException unknownRole) {
            return false;
        }
    }
}
