package io.homeostat.service.resources;

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
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/rules}: what runs (version, files, and a rejected edit if the last one was
 * broken), the accepted versions, validation of candidate files, reload and rollback.
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

    public RulesResource(RuleSet rules) {
        this.rules = rules;
    }

    @GET
    public RuleSet.Status status() {
        return rules.status();
    }

    @GET
    @Path("/versions")
    public List<RuleVersionRecord> versions(@QueryParam("limit") Integer limit) {
        return rules.versions(ApiErrors.limit(limit));
    }

    @POST
    @Path("/validate")
    @Consumes(MediaType.APPLICATION_JSON)
    public RuleSet.Outcome validate(Candidate candidate) {
        if (candidate == null || candidate.files() == null || candidate.files().isEmpty()) {
            throw ApiErrors.error(422, "field 'files' must map at least one file name to its DRL text");
        }
        candidate.files().forEach((name, text) -> {
            if (name == null || !name.endsWith(".drl") || text == null) {
                throw ApiErrors.error(422, "files." + name + ": a file name must end in .drl and have text");
            }
        });
        return rules.validate(RuleSet.sources(candidate.files()));
    }

    @POST
    @Path("/reload")
    @Consumes(MediaType.APPLICATION_JSON)
    public RuleSet.Outcome reload(Request request) {
        return rules.reload("reload by " + Operator.by(request == null ? null : request.by()));
    }

    @POST
    @Path("/rollback")
    @Consumes(MediaType.APPLICATION_JSON)
    public RuleSet.Outcome rollback(Request request) throws IOException, io.homeostat.service.engine.RuleCompilationException {
        String by = Operator.by(request == null ? null : request.by());
        return rules.rollback(by).orElseThrow(() -> ApiErrors.error(409, "there is no earlier rule version to return to"));
    }
}
