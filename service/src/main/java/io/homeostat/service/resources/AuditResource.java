package io.homeostat.service.resources;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Parameter;
import io.homeostat.service.api.PageView;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.Role;
import io.homeostat.service.model.AuditRecord;
import io.homeostat.service.store.AuditStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code /api/v1/audit}: who did what, when and why — every decision, attempt state change,
 * rollback, escalation and state-changing API call, newest first, filtered by kind, actor,
 * subject and time. A tenant's key sees its tenant's rows and the global ones (rules, plugins).
 * {@code /api/v1/audit/verify} (all-tenants admin) recomputes the hash chain and names the first
 * row that does not follow.
 */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public final class AuditResource {
    private final AuditStore audit;

    public AuditResource(AuditStore audit) {
        this.audit = audit;
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public PageView<AuditRecord> list(@Parameter(hidden = true) @Auth Caller caller, @QueryParam("tenant") String tenant, @QueryParam("kind") String kind,
                                      @QueryParam("actor") String actor, @QueryParam("subject") String subject,
                                      @QueryParam("from") String from, @QueryParam("to") String to,
                                      @QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset) {
        return Pages.of(audit.list(Tenancy.filter(caller, tenant), kind, actor, subject, instant("from", from), instant("to", to),
                ApiErrors.limit(limit), ApiErrors.offset(offset)));
    }

    @GET
    @Path("/verify")
    @RolesAllowed(Role.ADMIN_NAME)
    public AuditStore.Verification verify(@Parameter(hidden = true) @Auth Caller caller) {
        Tenancy.requireAllTenants(caller, "verifying the audit chain");
        return audit.verify();
    }

    private static Instant instant(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiErrors.error(400, "query parameter '" + name + "' must be an ISO-8601 instant such as 2026-11-30T10:00:00Z, was '"
                    + value + "'");
        }
    }
}
