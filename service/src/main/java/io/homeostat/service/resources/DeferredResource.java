package io.homeostat.service.resources;

import io.dropwizard.auth.Auth;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.Role;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.model.ProposalRecord;
import io.homeostat.service.store.Store;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/deferred}: what the limits are holding back right now. When a storm trips a
 * concurrency, blast-radius or rate limit, the operator sees each target that was held, by which gate,
 * with its figures, and until when: how often it is evaluated again and when it is given up and escalated.
 */
@Path("/api/v1/deferred")
@Produces(MediaType.APPLICATION_JSON)
public final class DeferredResource {
    /**
     * One held strategy. {@code gate}, {@code reason} and {@code figures} come from the decision that first deferred it
     * (a deferral repeated by the same gate is not recorded again).
     */
    public record Held(String issueId, String tenant, String resource, String issueType, String severity, String actionId,
                       String proposalId, String decisionId, String gate, String reason, Map<String, Object> figures,
                       Instant deferredSince, long retryEverySeconds, Instant givenUpAt) {
    }

    /** The answer: at most {@code limit} held strategies, oldest first. */
    public record HeldBack(List<Held> items, int limit) {
    }

    private final Store store;
    /** The policy in effect: a configuration reload replaces it. */
    private final java.util.function.Supplier<PolicySettings> policy;

    public DeferredResource(Store store, java.util.function.Supplier<PolicySettings> policy) {
        this.store = store;
        this.policy = policy;
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public HeldBack list(@Parameter(hidden = true) @Auth Caller caller, @QueryParam("tenant") String tenant,
                         @QueryParam("limit") Integer limit) {
        int max = ApiErrors.limit(limit);
        PolicySettings policy = this.policy.get();
        List<Held> held = new ArrayList<>();
        for (ProposalRecord proposal : store.proposals().deferred(Tenancy.filter(caller, tenant), max)) {
            Optional<IssueRecord> issue = store.issues().find(proposal.issueId());
            if (issue.isEmpty()) {
                continue;
            }
            Optional<DecisionRecord> decision = proposal.decisionId() == null ? Optional.empty() : store.decisions().find(proposal.decisionId());
            Optional<DecisionRecord.ExplanationEntry> verdict = decision.flatMap(d -> d.explanation().stream()
                    .filter(entry -> "defer".equals(entry.verdict())).findFirst());
            Instant since = proposal.deferredSince();
            held.add(new Held(issue.get().id(), issue.get().tenant(), issue.get().resource(), issue.get().type(), issue.get().severity(),
                    proposal.actionId(), proposal.id(), proposal.decisionId(), verdict.map(DecisionRecord.ExplanationEntry::gate).orElse(null),
                    decision.map(DecisionRecord::reason).orElse(null), verdict.map(DecisionRecord.ExplanationEntry::figures).orElse(Map.of()),
                    since, policy.getDeferRetryMillis() / 1000,
                    since == null ? null : since.plusMillis(policy.getMaxDeferralMillis())));
        }
        return new HeldBack(held, max);
    }
}
