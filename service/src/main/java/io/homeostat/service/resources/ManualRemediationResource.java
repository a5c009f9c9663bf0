package io.homeostat.service.resources;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Parameter;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.Role;
import jakarta.annotation.security.RolesAllowed;
import io.homeostat.service.inbox.EngineInput;
import io.homeostat.service.inbox.Inbox;
import io.homeostat.service.model.AuditEvent;
import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.store.Store;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /api/v1/issues/{id}/remediations}: an operator starts a remediation by hand. It goes
 * through the same gates as any other; with {@code override: true} (and a reason) a gate that
 * would stop it is recorded in the decision but does not stop it. Answers 202 with the proposal
 * id: the decision and the attempt appear on the issue.
 */
@Path("/api/v1/issues/{id}/remediations")
@Produces(MediaType.APPLICATION_JSON)
public final class ManualRemediationResource {
    /** The request body. */
    public record Request(String actionId, Map<String, String> parameters, String by, String reason, Boolean override) {
    }

    /** The answer. */
    public record Accepted(String proposalId, String issueId, String actionId, boolean override) {
    }

    private final Store store;
    private final Inbox engine;

    public ManualRemediationResource(Store store, Inbox engine) {
        this.store = store;
        this.engine = engine;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response start(@Parameter(hidden = true) @Auth Caller caller, @PathParam("id") String issueId, Request request) {
        if (request == null || request.actionId() == null || request.actionId().isBlank() || request.actionId().length() > 256) {
            throw ApiErrors.error(422, "field 'actionId' must name an action (1 to 256 characters)");
        }
        Operator.noClaimedName(request.by());
        String by = caller.name();
        boolean override = Boolean.TRUE.equals(request.override());
        String reason = override ? Operator.reason(request.reason()) : Operator.optionalReason(request.reason());
        IssueRecord issue = Tenancy.visible(caller, store.issues().find(issueId), IssueRecord::tenant, "issue", issueId);
        if ("resolved".equals(issue.state())) {
            throw ApiErrors.error(409, "issue '" + issueId + "' is resolved; there is nothing to remediate");
        }
        EngineInput.ManualRun run = EngineInput.ManualRun.of(issueId, request.actionId().strip(),
                request.parameters() == null ? Map.of() : request.parameters(), by, override ? reason : null);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("issueId", issueId);
        detail.put("action", run.actionId());
        detail.put("parameters", run.parameters());
        detail.put("override", override);
        // Recorded before the engine sees it: the request is the operator's act, whatever the gates then decide.
        store.audit().append(AuditEvent.of(issue.tenant(), caller.actor("POST /api/v1/issues/{id}/remediations"),
                "manual-run.requested", run.proposalId(), reason, detail), Instant.now());
        engine.submit(run, issue.tenant(), issue.resource());
        return Response.accepted(new Accepted(run.proposalId(), issueId, run.actionId(), override)).build();
    }
}
