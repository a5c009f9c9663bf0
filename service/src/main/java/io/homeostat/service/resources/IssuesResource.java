package io.homeostat.service.resources;

import io.homeostat.service.api.IssueDetail;
import io.homeostat.service.api.PageView;
import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.store.Page;
import io.homeostat.service.store.Store;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;

/** {@code GET /api/v1/issues} (filter by tenant, state, resource; paginated) and one issue with its history. */
@Path("/api/v1/issues")
@Produces(MediaType.APPLICATION_JSON)
public final class IssuesResource {
    private static final Set<String> STATES = Set.of("open", "remediating", "verifying", "recovering", "resolved", "escalated");

    private final Store store;

    public IssuesResource(Store store) {
        this.store = store;
    }

    @GET
    public PageView<IssueRecord> list(@QueryParam("tenant") String tenant, @QueryParam("state") String state,
                                      @QueryParam("resource") String resource, @QueryParam("limit") Integer limit,
                                      @QueryParam("offset") Integer offset) {
        Page<IssueRecord> page = store.issues().list(tenant, ApiErrors.oneOf("state", state, STATES), resource,
                ApiErrors.limit(limit), ApiErrors.offset(offset));
        return new PageView<>(page.items(), page.total(), page.limit(), page.offset());
    }

    @GET
    @Path("/{id}")
    public IssueDetail get(@PathParam("id") String id) {
        IssueRecord issue = store.issues().find(id).orElseThrow(() -> ApiErrors.error(404, "no issue with id '" + id + "'"));
        return new IssueDetail(issue, store.proposals().forIssue(id), store.decisions().forIssue(id), store.remediations().forIssue(id),
                store.escalations().forIssue(id).orElse(null));
    }
}
