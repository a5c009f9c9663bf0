package io.homeostat.service.resources;

import io.dropwizard.auth.Auth;
import io.homeostat.service.api.PageView;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.Role;
import io.homeostat.service.inbox.EngineInput.AutonomyPinRequest;
import io.homeostat.service.inbox.Inbox;
import io.homeostat.service.model.AuditEvent;
import io.homeostat.service.model.AutonomyChangeRecord;
import io.homeostat.service.model.AutonomyRecord;
import io.homeostat.service.store.Store;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/autonomy}: earned autonomy per tenant, issue type and action (rules/autonomy.drl).
 * Lists each pair's mode and record and every promotion, demotion and pin; an operator pins a mode
 * (the rules then leave it alone) or unpins it. A pin is audited with the key that asked, then
 * applied by the engine in order with the signals around it.
 */
@Path("/api/v1/autonomy")
@Produces(MediaType.APPLICATION_JSON)
public final class AutonomyResource {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    /** One pair as the rules see it: mode, pin, and the record its next promotion or demotion is judged on. */
    public record Pair(String tenant, String issueType, String action, String mode, boolean pinned, int attempts, int successes,
                       Double successRate, int failuresInARow, int successesSinceChange, int observed, String changedBy,
                       Instant changedAt) {
        static Pair of(AutonomyRecord record) {
            int attempts = record.outcomes().length();
            int successes = record.successes();
            return new Pair(record.tenant(), record.issueType(), record.actionId(), record.mode(), record.pinned(), attempts, successes,
                    attempts == 0 ? null : Math.round(1000.0 * successes / attempts) / 1000.0, record.failureRun(),
                    record.successesSinceChange(), record.observed(), record.changedBy(), record.changedAt());
        }
    }

    /** The body of a pin: the mode; tenant absent means the key's own tenant ("default" for an all-tenants key). */
    public record Pin(String mode, String tenant, String by, String reason) {
    }

    /** What a pin or unpin request was accepted as. */
    public record Accepted(String tenant, String issueType, String action, String mode, boolean pinned) {
    }

    private final Store store;
    private final Inbox engine;
    private final Clock clock;

    public AutonomyResource(Store store, Inbox engine, Clock clock) {
        this.store = store;
        this.engine = engine;
        this.clock = clock;
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public PageView<Pair> list(@Parameter(hidden = true) @Auth Caller caller, @QueryParam("tenant") String tenant,
                               @QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset) {
        List<Pair> pairs = store.autonomy().pairs(Tenancy.filter(caller, tenant)).stream().map(Pair::of).toList();
        return Pages.of(pairs, ApiErrors.limit(limit), ApiErrors.offset(offset));
    }

    @GET
    @Path("/changes")
    @RolesAllowed(Role.VIEWER_NAME)
    public List<AutonomyChangeRecord> changes(@Parameter(hidden = true) @Auth Caller caller, @QueryParam("tenant") String tenant,
                                              @QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset) {
        return store.autonomy().changes(Tenancy.filter(caller, tenant), ApiErrors.limit(limit), ApiErrors.offset(offset));
    }

    @PUT
    @Path("/{issueType}/{action}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response pin(@Parameter(hidden = true) @Auth Caller caller, @PathParam("issueType") String issueType,
                        @PathParam("action") String action, Pin pin) {
        if (pin == null || pin.mode() == null) {
            throw ApiErrors.error(422, "field 'mode' is required: observe, suggest or auto");
        }
        Operator.noClaimedName(pin.by());
        String mode = pin.mode().strip().toLowerCase(java.util.Locale.ROOT);
        if (!AutonomyPinRequest.MODES.contains(mode)) {
            throw ApiErrors.error(422, "field 'mode': unknown autonomy mode '" + pin.mode() + "' (known: "
                    + String.join(", ", AutonomyPinRequest.MODES) + ")");
        }
        return submit(caller, issueType, action, pin.tenant(), mode, Operator.reason(pin.reason()), "PUT /api/v1/autonomy/{issueType}/{action}");
    }

    @DELETE
    @Path("/{issueType}/{action}")
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response unpin(@Parameter(hidden = true) @Auth Caller caller, @PathParam("issueType") String issueType,
                          @PathParam("action") String action, @QueryParam("tenant") String tenant, @QueryParam("reason") String reason) {
        return submit(caller, issueType, action, tenant, null, Operator.reason(reason), "DELETE /api/v1/autonomy/{issueType}/{action}");
    }

    private Response submit(Caller caller, String issueType, String action, String requestedTenant, String mode, String reason,
                            String endpoint) {
        String type = name("issue type", issueType);
        String actionId = name("action", action);
        String tenant = requestedTenant == null ? (caller.allTenants() ? "default" : caller.tenant())
                : Tenancy.filter(caller, name("tenant", requestedTenant));
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("issueType", type);
        detail.put("action", actionId);
        detail.put("mode", mode);
        // Recorded before the engine applies it: the pin is the operator's act.
        store.audit().append(AuditEvent.of(tenant, caller.actor(endpoint), mode == null ? "autonomy.unpin" : "autonomy.pin",
                type + "/" + actionId, reason, detail), Instant.now());
        engine.submit(new AutonomyPinRequest(tenant, type, actionId, mode, caller.name(), reason, clock.instant()));
        return Response.accepted(new Accepted(tenant, type, actionId, mode, mode != null)).build();
    }

    private static String name(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw ApiErrors.error(422, what + " must be 1 to 128 letters, digits or . _ : - (got '"
                    + (value == null ? "" : value.length() > 40 ? value.substring(0, 40) + "..." : value) + "')");
        }
        return value;
    }
}
