package io.homeostat.service.resources;

import io.homeostat.service.engine.facts.ApprovalVerdict;
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
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code /api/v1/approvals}: actions at or above the approval risk wait here for a human. Approve
 * or reject with who and why; the answer is stored first (only while the approval is pending and
 * unexpired) and then handed to the rules, which decide the proposal again or record the rejection.
 */
@Path("/api/v1/approvals")
@Produces(MediaType.APPLICATION_JSON)
public final class ApprovalsResource {
    private static final Set<String> STATES = Set.of("pending", "approved", "rejected", "expired");

    /** The body of approve and reject. */
    public record Answer(String by, String reason) {
    }

    private final Store store;
    private final Consumer<Object> engine;
    private final Clock clock;

    public ApprovalsResource(Store store, Consumer<Object> engine, Clock clock) {
        this.store = store;
        this.engine = engine;
        this.clock = clock;
    }

    @GET
    public List<ApprovalRecord> list(@QueryParam("state") String state, @QueryParam("limit") Integer limit) {
        return store.approvals().list(ApiErrors.oneOf("state", state == null ? "pending" : state, STATES), ApiErrors.limit(limit));
    }

    @GET
    @Path("/{id}")
    public ApprovalRecord get(@PathParam("id") String id) {
        return store.approvals().find(id).orElseThrow(() -> ApiErrors.error(404, "no approval with id '" + id + "'"));
    }

    @POST
    @Path("/{id}/approve")
    @Consumes(MediaType.APPLICATION_JSON)
    public ApprovalRecord approve(@PathParam("id") String id, Answer answer) {
        return answer(id, answer, true);
    }

    @POST
    @Path("/{id}/reject")
    @Consumes(MediaType.APPLICATION_JSON)
    public ApprovalRecord reject(@PathParam("id") String id, Answer answer) {
        return answer(id, answer, false);
    }

    private ApprovalRecord answer(String id, Answer answer, boolean approved) {
        if (answer == null) {
            throw ApiErrors.error(422, "a JSON body {\"by\": ..., \"reason\": ...} is required");
        }
        String by = Operator.by(answer.by());
        String reason = Operator.reason(answer.reason());
        ApprovalRecord approval = get(id);
        if (!store.approvals().answer(id, approved, by, reason, clock.instant())) {
            ApprovalRecord now = get(id);
            throw ApiErrors.error(409, "approval '" + id + "' is " + (now.state().equals("pending") ? "expired" : now.state())
                    + " and cannot be " + (approved ? "approved" : "rejected") + " any more");
        }
        engine.accept(new ApprovalVerdict(approval.id(), approved, by, reason));
        return get(id);
    }
}
