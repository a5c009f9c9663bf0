package io.homeostat.service.recovery;

import io.homeostat.service.engine.RestoredState;
import io.homeostat.service.engine.facts.ActionStats;
import io.homeostat.service.engine.facts.ActiveRemediation;
import io.homeostat.service.engine.facts.Alert;
import io.homeostat.service.engine.facts.Approval;
import io.homeostat.service.engine.facts.ApprovalState;
import io.homeostat.service.engine.facts.AutoRemediation;
import io.homeostat.service.engine.facts.Breaker;
import io.homeostat.service.engine.facts.BreakerState;
import io.homeostat.service.engine.facts.Escalation;
import io.homeostat.service.engine.facts.Issue;
import io.homeostat.service.engine.facts.IssueState;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.Autonomy;
import io.homeostat.service.engine.facts.AutonomyMode;
import io.homeostat.service.engine.facts.Probation;
import io.homeostat.service.engine.facts.Proposal;
import io.homeostat.service.engine.facts.ProposalState;
import io.homeostat.service.engine.facts.RemediationOutcome;
import io.homeostat.service.engine.facts.RemediationStarted;
import io.homeostat.service.engine.facts.RollbackRequest;
import io.homeostat.service.engine.facts.Severity;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.engine.facts.Verification;
import io.homeostat.service.model.AutonomyRecord;
import io.homeostat.service.model.AlertRecord;
import io.homeostat.service.model.ApprovalRecord;
import io.homeostat.service.model.BreakerRecord;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.EscalationRecord;
import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.model.ProposalRecord;
import io.homeostat.service.model.RemediationRecord;
import io.homeostat.service.model.StatisticsRecord;
import io.homeostat.service.store.GateStateStore;
import io.homeostat.service.store.IssueStore;
import io.homeostat.service.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the session must know again after a restart, read from the store: unresolved issues with
 * their strategies, probations of issues fixed in the last probation period, breakers, approvals,
 * learned statistics, auto-remediation switches,
 * escalations (so that none is sent twice) and the remediation events of the last day (so that
 * rate windows still count them). Attempts a crash left pending are marked interrupted and handed
 * to the rules as not started, so that they are decided again; attempts it left running go to the
 * executor, whose plugin looks at the world and finishes the job under the same idempotency key
 * (or, when it cannot tell, the attempt is marked interrupted and verification judges whether it
 * helped, rolling back if not). Nothing is forgotten and no attempt runs twice.
 */
public final class StartupState {
    private static final Logger LOG = LoggerFactory.getLogger(StartupState.class);
    private static final Duration RATE_HISTORY = Duration.ofHours(25);

    private StartupState() {
    }

    /**
     * The blast-radius group the decision counted the resource in (a column of the decision, not
     * read back out of a gate's figures: renaming the gate must not break a restart), so that a
     * restored attempt still counts against its group before the resource's signals arrive again.
     */
    static String groupOf(Store store, String decisionId) {
        return decisionId == null ? null : store.decisions().find(decisionId).map(DecisionRecord::blastGroup).orElse(null);
    }

    /** The gate that deferred a decision (its first "defer" verdict), or null. */
    static String deferredBy(Store store, String decisionId) {
        return decisionId == null ? null : store.decisions().find(decisionId)
                .flatMap(decision -> decision.explanation().stream().filter(step -> "defer".equals(step.verdict())).findFirst())
                .map(DecisionRecord.ExplanationEntry::gate).orElse(null);
    }

    /**
     * @param reconcile takes each attempt a crash left running: the executor asks its plugin to look at
     *     the world and finish the job, and feeds the outcome back as any attempt's (or, when the plugin
     *     cannot tell, marks it interrupted and lets verification judge)
     */
    public static RestoredState load(Store store, PolicySettings policy, long now, List<Signal> recentSignals,
                                     Consumer<RemediationRecord> reconcile, String replica) {
        return load(store, policy, now, recentSignals, reconcile, replica, EVERY_RESOURCE);
    }

    /** Every resource: one engine evaluates them all (intake.mode: embedded). */
    public static final BiPredicate<String, String> EVERY_RESOURCE = (tenant, resource) -> true;

    /**
     * As {@link #load(Store, PolicySettings, long, List, Consumer, String)}, with the state of only the
     * resources {@code owns} accepts (with Kafka, none at start-up: the engine adopts its partitions'
     * resources as they are assigned, {@link #adopt}). The attempts are handled all the same: this
     * replica's pending ones marked interrupted, orphaned running ones reconciled.
     */
    public static RestoredState load(Store store, PolicySettings policy, long now, List<Signal> recentSignals,
                                     Consumer<RemediationRecord> reconcile, String replica, BiPredicate<String, String> owns) {
        Instant at = Instant.ofEpochMilli(now);
        // This replica's own pending attempts only: another live replica's are its engine's. Running attempts with
        // no live lease (this replica's earlier run released its leases before the engine started) are reconciled;
        // those another live replica runs hold a lease and are left alone.
        List<RemediationRecord> interrupted = store.remediations().interruptPending(at, replica);
        List<RemediationRecord> running = store.remediations().orphaned();
        RestoredState state = read(store, policy, now, recentSignals.stream().filter(s -> owns.test(s.getTenant(), s.getResource())).toList(),
                owns, true, false);
        List<Object> events = new ArrayList<>(state.events());
        for (RemediationRecord remediation : interrupted) {
            // A resource another engine owns learns it when that engine adopts it: the stored attempt says interrupted.
            if (owns.test(remediation.tenant(), remediation.resource())) {
                events.add(RemediationOutcome.notStarted(remediation.decisionId(), remediation.issueId(), remediation.tenant(),
                        remediation.resource(), remediation.actionId(), "interrupted by a restart before it started", now));
            }
            LOG.warn("remediation {} ({} on {}) was pending when the service stopped: deciding it again", remediation.id(),
                    remediation.actionId(), remediation.resource());
        }
        for (RemediationRecord remediation : running) {
            LOG.warn("remediation {} ({} on {}) was running when the service stopped: asking its plugin whether its effect is in place",
                    remediation.id(), remediation.actionId(), remediation.resource());
            reconcile.accept(remediation);
        }
        LOG.info("{} pending attempts to decide again, {} running ones to reconcile", interrupted.size(), running.size());
        return new RestoredState(state.facts(), events, state.baselines(), List.of());
    }

    /**
     * The state of the resources {@code owns} accepts, for an engine that takes them over from another
     * (a Kafka rebalance gave it their partitions): their issues, proposals, gate state, alerts and
     * escalations as the store has them, without the process-wide state the engine holds already.
     * An attempt of theirs the store shows over while its proposal still runs is handed to the rules
     * as its outcome (the previous owner may not have heard it); one the store shows interrupted before
     * it started, or held back, is decided again. Reads only: attempts running elsewhere are left to
     * their lease holder (or the orphan sweep), whose report reaches this engine through the partition.
     *
     * @param recentSignals the resources' signals of the last {@link Signal#LIFETIME}, read back from the topic
     */
    public static RestoredState adopt(Store store, PolicySettings policy, long now, BiPredicate<String, String> owns,
                                      List<Signal> recentSignals) {
        return read(store, policy, now, recentSignals.stream().filter(s -> owns.test(s.getTenant(), s.getResource())).toList(), owns,
                false, true);
    }

    private static RestoredState read(Store store, PolicySettings policy, long now, List<Signal> recentSignals,
                                      BiPredicate<String, String> owns, boolean processWide, boolean adopting) {
        List<Object> facts = new ArrayList<>();
        List<Object> events = new ArrayList<>();
        Instant at = Instant.ofEpochMilli(now);

        Map<String, IssueRecord> issues = new HashMap<>();
        for (IssueRecord issue : store.issues().active()) {
            if (!owns.test(issue.tenant(), issue.resource())) {
                continue;
            }
            issues.put(issue.id(), issue);
            facts.add(restore(issue));
        }
        // Tombstones: evidence from before a recovery must not open the problem again.
        int tombstones = 0;
        for (IssueRecord issue : store.issues().resolvedSince(at.minus(Signal.LIFETIME))) {
            if (!owns.test(issue.tenant(), issue.resource())) {
                continue;
            }
            facts.add(restore(issue));
            tombstones++;
        }
        facts.addAll(recentSignals);
        Map<String, RemediationRecord> byDecision = new HashMap<>();
        for (RemediationRecord remediation : store.remediations().startedSince(at.minus(RATE_HISTORY))) {
            if (!owns.test(remediation.tenant(), remediation.resource())) {
                continue;
            }
            byDecision.put(remediation.decisionId(), remediation);
            facts.add(new RemediationStarted(remediation.decisionId(), remediation.tenant(), remediation.resource(), remediation.actionId(),
                    remediation.createdAt().toEpochMilli()));
        }
        for (ProposalRecord p : store.proposals().ofActiveIssues()) {
            if (!issues.containsKey(p.issueId())) {
                continue; // another engine's resource
            }
            ProposalState state = ProposalState.fromLabel(p.state());
            Proposal proposal = Proposal.restore(p.id(), p.issueId(), p.actionId(), p.parameters(), p.strategyOrder(), p.proposedBy(),
                    state, p.dryRun(), p.manualBy(), p.overrideReason(), p.deferredSince() == null ? 0 : p.deferredSince().toEpochMilli(),
                    p.decisionId());
            if (p.escalationReason() != null) {
                proposal.escalate(p.escalationReason());
            }
            if (state == ProposalState.DEFERRED) {
                // Evaluated again shortly after start-up: the windows it waited on have moved on. The gate that
                // deferred it last is known again, so that the same deferral is not recorded twice.
                proposal.defer(now, policy.getDeferRetryMillis(), policy.getMaxDeferralMillis());
                proposal.setLastDeferredBy(deferredBy(store, p.decisionId()));
            }
            facts.add(proposal);
            RemediationRecord remediation = p.decisionId() == null ? null : byDecision.get(p.decisionId());
            IssueRecord issue = issues.get(p.issueId());
            if (issue != null && (state == ProposalState.RUNNING || state == ProposalState.VERIFYING || state == ProposalState.ROLLING_BACK)) {
                facts.add(new ActiveRemediation(p.decisionId(), p.issueId(), issue.tenant(), issue.resource(), p.actionId(), now,
                        groupOf(store, p.decisionId())));
            }
            if (state == ProposalState.VERIFYING) {
                boolean snapshot = remediation != null && store.remediations().snapshot(remediation.id()).isPresent();
                // The deadline counts from when the action reported, not from the restart: a restart
                // must not give an attempt that is not helping more time.
                long reportedAt = remediation != null && remediation.finishedAt() != null ? remediation.finishedAt().toEpochMilli() : now;
                facts.add(new Verification(p.decisionId(), p.id(), p.issueId(), p.actionId(), Math.min(reportedAt, now),
                        policy.verificationMillis(p.actionId()), snapshot).rebased(now));
            } else if (state == ProposalState.ROLLING_BACK) {
                events.add(new RollbackRequest(p.decisionId(), "a restart interrupted the rollback; rolling back again"));
            } else if (state == ProposalState.RUNNING && remediation != null && isFinal(remediation.state())) {
                // It finished, but the engine never heard: tell it now.
                boolean snapshot = store.remediations().snapshot(remediation.id()).isPresent();
                events.add(RemediationRecord.NOT_APPLICABLE.equals(remediation.state())
                        ? RemediationOutcome.notApplicable(remediation.decisionId(), remediation.issueId(), remediation.tenant(),
                                remediation.resource(), remediation.actionId(), remediation.message(), now)
                        : RemediationOutcome.finished(remediation.decisionId(), remediation.issueId(), remediation.tenant(),
                                remediation.resource(), remediation.actionId(), RemediationRecord.SUCCEEDED.equals(remediation.state()),
                                remediation.message(), now, snapshot));
            } else if (adopting && state == ProposalState.RUNNING && remediation != null) {
                Object outcome = interruptedOutcome(store, remediation, now);
                if (outcome != null) {
                    events.add(outcome);
                }
            }
        }
        // Probation after a fix: the same problem back within it is fixed again, until its probationReturns-th return
        // escalates. It runs from the first fix in the period; each later fix within it was a return.
        Map<String, Probation> probations = new HashMap<>();
        List<IssueStore.Fixed> fixes = new ArrayList<>(store.issues().fixedSince(at.minusMillis(policy.getProbationMillis())));
        fixes.sort(java.util.Comparator.comparing(IssueStore.Fixed::resolvedAt));
        for (IssueStore.Fixed fixed : fixes) {
            if (!owns.test(fixed.tenant(), fixed.resource())) {
                continue;
            }
            long until = fixed.resolvedAt().toEpochMilli() + policy.getProbationMillis();
            String key = fixed.tenant() + "\u0000" + fixed.resource() + "\u0000" + fixed.type();
            Probation first = probations.get(key);
            if (first != null) {
                probations.put(key, first.returned("", first.returns() + 1, 0, now));
            } else if (until > now) {
                probations.put(key, new Probation(fixed.tenant(), fixed.resource(), fixed.type(), fixed.fixedBy(), until - now, until));
            }
        }
        // The problem back right now (an active issue opened since its probation began) was counted as a return before the
        // stop: it is the probation's last return again, with the backoff it started then, not counted a second time.
        for (IssueRecord issue : issues.values()) {
            String key = issue.tenant() + "\u0000" + issue.resource() + "\u0000" + issue.type();
            Probation probation = probations.get(key);
            long opened = issue.openedAt().toEpochMilli();
            if (probation != null && opened >= probation.until() - policy.getProbationMillis()) {
                int returns = probation.returns() + 1;
                probations.put(key, probation.returned(issue.id(), returns, opened + policy.returnBackoffMillis(returns), now));
            }
        }
        facts.addAll(probations.values());
        for (BreakerRecord b : store.gateState().breakers()) {
            if (!owns.test(b.tenant(), b.resource())) {
                continue;
            }
            facts.add(Breaker.restore(b.tenant(), b.resource(), b.actionId(), BreakerState.fromLabel(b.state()), b.consecutiveFailures(),
                    b.openedAt() == null ? 0 : b.openedAt().toEpochMilli(), b.trialDecisionId(), now, policy.getBreakerCooldownMillis()));
        }
        for (ApprovalRecord a : store.approvals().ofActiveIssues()) {
            ApprovalState state = ApprovalState.fromLabel(a.state());
            if ((state == ApprovalState.PENDING || state == ApprovalState.APPROVED) && owns.test(a.tenant(), a.resource())) {
                facts.add(Approval.restore(a.id(), a.decisionId(), a.proposalId(), a.issueId(), a.tenant(), a.resource(), a.actionId(),
                        a.risk(), a.requestedAt().toEpochMilli(), a.expiresAt().toEpochMilli(), state, a.decidedBy(), a.reason(), now));
            }
        }
        if (processWide) {
            processWide(store, policy, now, facts);
        }
        // Firing mapped alerts: their hold-offs still count. Already counted as evidence before the restart.
        for (AlertRecord a : store.alerts().firing()) {
            if (a.issueType() != null && owns.test(a.tenant(), a.resource())) {
                Alert alert = new Alert(a.tenant(), a.fingerprint(), a.alertname(), a.resource(), a.issueType(),
                        a.severity() == null ? Severity.MEDIUM : Severity.valueOf(a.severity().toUpperCase(java.util.Locale.ROOT)), a.labels(),
                        a.annotations(), a.source(), true, a.startsAt().toEpochMilli(), 0, a.holdOffMillis(), a.updatedAt().toEpochMilli());
                alert.setCounted(true);
                facts.add(alert);
            }
        }
        for (EscalationRecord e : store.escalations().ofActiveIssues()) {
            if (!issues.containsKey(e.issueId())) {
                continue;
            }
            facts.add(new Escalation(e.id(), e.issueId(), e.tenant(), e.resource(), e.issueType(), e.reason(), e.createdAt().toEpochMilli()));
        }
        for (io.homeostat.service.model.PredictionRecord p : store.predictions().pending(java.time.Instant.ofEpochMilli(now))) {
            if (!owns.test(p.tenant(), p.resource())) {
                continue;
            }
            facts.add(io.homeostat.service.engine.facts.Prediction.restore(p.id(), p.tenant(), p.resource(), p.kind(), p.metric(),
                    p.threshold(), p.bucket(), p.hoursLeft(), p.confidence(), p.predictedAt().toEpochMilli(), p.horizonAt().toEpochMilli(),
                    p.issueType(), now));
        }
        LOG.info("{} {} facts from the store ({} issues, {} recent signals from the {}, {} resolved issues kept as tombstones)",
                adopting ? "adopted" : "restored", facts.size(), issues.size(), recentSignals.size(), adopting ? "topic" : "recording", tombstones);
        return new RestoredState(facts, events, processWide ? store.baselines().all() : List.of(), List.of());
    }

    /** What every engine holds whatever resources it evaluates: learned statistics, autonomy, switches, maintenance. */
    private static void processWide(Store store, PolicySettings policy, long now, List<Object> facts) {
        for (StatisticsRecord s : store.gateState().statistics()) {
            facts.add(new ActionStats(s.issueType(), s.actionId(), s.resourceKind(), s.attempts(), s.successes(), s.totalRecoveryMillis()));
        }
        for (AutonomyRecord a : store.autonomy().pairs(null)) {
            facts.add(new Autonomy(a.tenant(), a.issueType(), a.actionId(), AutonomyMode.fromLabel(a.mode()), a.pinned(), a.outcomes(),
                    policy.getAutonomyWindow(), a.failureRun(), a.successesSinceChange(), a.observed(), a.changedBy(),
                    a.changedAt().toEpochMilli()));
        }
        for (GateStateStore.Switch s : store.gateState().switches()) {
            facts.add(new AutoRemediation(s.scope(), s.enabled(), s.changedBy(), s.reason(), s.changedAt().toEpochMilli()));
        }
        // Maintenance operators switched on and that has not ended: the window gate keeps blocking there after a restart.
        for (GateStateStore.Maintenance m : store.gateState().maintenance(Instant.ofEpochMilli(now))) {
            facts.add(new io.homeostat.service.engine.MaintenanceMode(m.scope(), true, m.labelKey(), m.labelValue(), m.until().toEpochMilli()));
        }
    }

    /**
     * The outcome to hand an adopting engine for an attempt its proposal still runs but the store shows
     * ended without a result: interrupted before it started or held back (decide again), interrupted
     * while it ran (verification judges it); null while it is pending or running (its report comes).
     */
    private static Object interruptedOutcome(Store store, RemediationRecord r, long now) {
        if (RemediationRecord.CANCELLED.equals(r.state()) || (RemediationRecord.INTERRUPTED.equals(r.state()) && r.startedAt() == null)) {
            return RemediationOutcome.notStarted(r.decisionId(), r.issueId(), r.tenant(), r.resource(), r.actionId(),
                    "ended before it started (" + r.state() + "): deciding it again", now);
        }
        if (RemediationRecord.INTERRUPTED.equals(r.state())) {
            return RemediationOutcome.interrupted(r.decisionId(), r.issueId(), r.tenant(), r.resource(), r.actionId(),
                    r.message() == null ? "interrupted" : r.message(), now, store.remediations().snapshot(r.id()).isPresent());
        }
        return null;
    }

    private static Issue restore(IssueRecord issue) {
        return Issue.restore(issue.id(), issue.tenant(), issue.resource(), issue.type(),
                Severity.valueOf(issue.severity().toUpperCase(Locale.ROOT)), issue.category(), IssueState.fromLabel(issue.state()),
                issue.openedBy(), issue.summary(), issue.openedAt().toEpochMilli(), issue.lastEvidenceAt().toEpochMilli(),
                millis(issue.lastClearAt()), millis(issue.resolvedAt()), issue.evidenceCount(), issue.reporters(), issue.rootCause(),
                issue.rootCauseChain());
    }

    private static long millis(Instant instant) {
        return instant == null ? 0 : instant.toEpochMilli();
    }

    private static boolean isFinal(String state) {
        return RemediationRecord.SUCCEEDED.equals(state) || RemediationRecord.FAILED.equals(state)
                || RemediationRecord.NOT_APPLICABLE.equals(state);
    }
}
