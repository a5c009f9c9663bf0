package io.homeostat.service.resources;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Parameter;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.Role;
import jakarta.annotation.security.RolesAllowed;
import io.homeostat.service.api.IssueDetail;
import io.homeostat.service.api.PageView;
import io.homeostat.service.model.EscalationRecord;
import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.store.IssueStore;
import io.homeostat.service.store.Page;
import io.homeostat.service.store.Store;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Set;

/** {@code GET /api/v1/issues} (filter by tenant, state — {@code active}: all but resolved —, resource; paginated) and one issue with its history. */
@Path("/api/v1/issues")
@Produces(MediaType.APPLICATION_JSON)
public final class IssuesResource {
    private static final Set<String> STATES = Set.of("open", "remediating", "verifying", "recovering", "resolved", "escalated",
            IssueStore.ACTIVE);

    private final Store store;

    public IssuesResource(Store store) {
        this.store = store;
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public PageView<IssueRecord> list(@Parameter(hidden = true) @Auth Caller caller, @QueryParam("tenant") String tenant, @QueryParam("state") String state,
                                      @QueryParam("resource") String resource, @QueryParam("limit") Integer limit,
                                      @QueryParam("offset") Integer offset) {
        Page<IssueRecord> page = store.issues().list(Tenancy.filter(caller, tenant), ApiErrors.oneOf("state", state, STATES), resource,
                ApiErrors.limit(limit), ApiErrors.offset(offset));
        return new PageView<>(page.items(), page.total(), page.limit(), page.offset());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Role.VIEWER_NAME)
    public IssueDetail get(@Parameter(hidden = true) @Auth Caller caller, @PathParam("id") String id) {
        IssueRecord issue = Tenancy.visible(caller, store.issues().find(id), IssueRecord::tenant, "issue", id);
        EscalationRecord escalation = store.escalations().forIssue(id).orElse(null);
        return new IssueDetail(issue, store.proposals().forIssue(id), store.decisions().forIssue(id), store.remediations().forIssue(id),
                escalation, escalation == null ? List.of() : store.escalations().deliveries(escalation.id()));
    }
}
