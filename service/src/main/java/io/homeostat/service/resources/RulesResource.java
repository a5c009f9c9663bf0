package io.homeostat.service.resources;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Parameter;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.Role;
import jakarta.annotation.security.RolesAllowed;
import io.homeostat.service.api.PageView;
import io.homeostat.service.engine.RuleCompilationException;
import io.homeostat.service.model.AuditEvent;
import io.homeostat.service.store.AuditStore;
import io.homeostat.service.model.RuleVersionRecord;
import io.homeostat.service.rules.RuleSet;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /api/v1/rules}: what runs (version, files, and a rejected edit if the last one was
 * broken), the accepted versions, validation of candidate files, reload and rollback. Rule text is
 * code (a DRL file can run Java when it is compiled), so validate, reload and rollback are for
 * all-tenants admin keys only (docs/OPERATIONS.md).
 */
@Path("/api/v1/rules")
@Produces(MediaType.APPLICATION_JSON)
public final class RulesResource {
    /** The body of validate: file name → DRL text. */
    public record Candidate(Map<String, String> files) {
    }

    /** The body of reload and rollback. */
    public record Request(String by, String reason) {
    }

    private final RuleSet rules;
    private final AuditStore audit;

    public RulesResource(RuleSet rules, AuditStore audit) {
        this.rules = rules;
        this.audit = audit;
    }

    /** Rule changes and compilations are recorded with who asked and what came of it. */
    private RuleSet.Outcome audited(Caller caller, String endpoint, String kind, String reason, RuleSet.Outcome outcome) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("result", outcome.result());
        detail.put("version", outcome.version() == null ? "" : outcome.version());
        detail.put("problems", outcome.problems().size());
        audit.append(AuditEvent.of(null, caller.actor(endpoint), kind, outcome.version(), reason, detail), Instant.now());
        return outcome;
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public RuleSet.Status status() {
        return rules.status();
    }

    @GET
    @Path("/versions")
    @RolesAllowed(Role.VIEWER_NAME)
    public PageView<RuleVersionRecord> versions(@QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset) {
        return Pages.of(rules.versions(ApiErrors.limit(limit), ApiErrors.offset(offset)));
    }

    @POST
    @Path("/validate")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.ADMIN_NAME)
    public RuleSet.Outcome validate(@Parameter(hidden = true) @Auth Caller caller, Candidate candidate) {
        Tenancy.requireAllTenants(caller, "compiling rules");
        if (candidate == null || candidate.files() == null || candidate.files().isEmpty()) {
            throw ApiErrors.error(422, "field 'files' must map at least one file name to its DRL text");
        }
        candidate.files().forEach((name, text) -> {
            if (name == null || !name.endsWith(".drl") || text == null) {
                throw ApiErrors.error(422, "files." + name + ": a file name must end in .drl and have text");
            }
        });
        // Compiling rule text runs code: who asked is recorded even though nothing is applied.
        return audited(caller, "POST /api/v1/rules/validate", "rules.validated", "files " + candidate.files().keySet(),
                rules.validate(RuleSet.sources(candidate.files())));
    }

    @POST
    @Path("/reload")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.ADMIN_NAME)
    public RuleSet.Outcome reload(@Parameter(hidden = true) @Auth Caller caller, Request request) {
        Tenancy.requireAllTenants(caller, "a rule reload");
        String reason = request == null ? null : checked(request);
        return audited(caller, "POST /api/v1/rules/reload", "rules.reload", reason,
                rules.reload("reload by " + caller.name() + (reason == null ? "" : ": " + reason)));
    }

    @POST
    @Path("/rollback")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.ADMIN_NAME)
    public RuleSet.Outcome rollback(@Parameter(hidden = true) @Auth Caller caller, Request request) throws IOException, RuleCompilationException {
        Tenancy.requireAllTenants(caller, "a rule rollback");
        String reason = request == null ? null : checked(request);
        RuleSet.Outcome outcome = rules.rollback(caller.name() + (reason == null ? "" : " (" + reason + ")"))
                .orElseThrow(() -> ApiErrors.error(409, "there is no earlier rule version to return to"));
        return audited(caller, "POST /api/v1/rules/rollback", "rules.rollback", reason, outcome);
    }

    private static String checked(Request request) {
        Operator.noClaimedName(request.by());
        return Operator.optionalReason(request.reason());
    }
}
