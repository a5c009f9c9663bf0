package io.homeostat.service.resources;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Parameter;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.Role;
import jakarta.annotation.security.RolesAllowed;
import io.homeostat.service.inbox.EngineInput;
import io.homeostat.service.inbox.Inbox;
import io.homeostat.service.api.PageView;
import io.homeostat.service.model.Actor;
import io.homeostat.service.model.ApprovalRecord;
import io.homeostat.service.store.Store;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.Set;

/**
 * {@code /api/v1/approvals}: actions at or above the approval risk wait here for a human. Approve
 * or reject with who and why; the answer is stored first (only while the approval is pending and
 * unexpired) and then handed to the rules, which decide the proposal again or record the rejection.
 */
@Path("/api/v1/approvals")
@Produces(MediaType.APPLICATION_JSON)
public final class ApprovalsResource {
    private static final Set<String> STATES = Set.of("pending", "approved", "rejected", "expired", "cancelled");

    /** The body of approve and reject. */
    public record Answer(String by, String reason) {
    }

    private final Store store;
    private final Inbox engine;
    private final Clock clock;

    public ApprovalsResource(Store store, Inbox engine, Clock clock) {
        this.store = store;
        this.engine = engine;
        this.clock = clock;
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public PageView<ApprovalRecord> list(@Parameter(hidden = true) @Auth Caller caller, @QueryParam("state") String state, @QueryParam("tenant") String tenant,
                                         @QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset) {
        return Pages.of(store.approvals().list(Tenancy.filter(caller, tenant),
                ApiErrors.oneOf("state", state == null ? "pending" : state, STATES), ApiErrors.limit(limit), ApiErrors.offset(offset)));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Role.VIEWER_NAME)
    public ApprovalRecord get(@Parameter(hidden = true) @Auth Caller caller, @PathParam("id") String id) {
        return Tenancy.visible(caller, store.approvals().find(id), ApprovalRecord::tenant, "approval", id);
    }

    @POST
    @Path("/{id}/approve")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.OPERATOR_NAME)
    public ApprovalRecord approve(@Parameter(hidden = true) @Auth Caller caller, @PathParam("id") String id, Answer answer) {
        return answer(caller, id, answer, true);
    }

    @POST
    @Path("/{id}/reject")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.OPERATOR_NAME)
    public ApprovalRecord reject(@Parameter(hidden = true) @Auth Caller caller, @PathParam("id") String id, Answer answer) {
        return answer(caller, id, answer, false);
    }

    private ApprovalRecord answer(Caller caller, String id, Answer answer, boolean approved) {
        if (answer == null) {
            throw ApiErrors.error(422, "a JSON body {\"reason\": ...} is required");
        }
        Operator.noClaimedName(answer.by());
        String by = caller.name();
        String reason = Operator.reason(answer.reason());
        ApprovalRecord approval = get(caller, id);
        Actor actor = caller.actor("POST /api/v1/approvals/{id}/" + (approved ? "approve" : "reject"));
        if (!store.approvals().answer(id, approved, actor, reason, clock.instant())) {
            ApprovalRecord now = get(caller, id);
            throw ApiErrors.error(409, "approval '" + id + "' is " + (now.state().equals("pending") ? "expired" : now.state())
                    + " and cannot be " + (approved ? "approved" : "rejected") + " any more");
        }
        engine.submit(new EngineInput.ApprovalAnswer(approval.id(), approved, by, reason), approval.tenant(), approval.resource());
        return get(caller, id);
    }
}
