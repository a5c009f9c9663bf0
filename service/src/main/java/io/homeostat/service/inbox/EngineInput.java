package io.homeostat.service.inbox;

import io.homeostat.service.engine.facts.AutonomyMode;
import io.homeostat.service.engine.facts.RemediationOutcome;
import io.homeostat.service.engine.facts.RollbackOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Everything but signals that enters the engine: operators' commands, the executor's reports and
 * Alertmanager's alert notifications. Plain values, not rule facts: whoever sends one knows nothing of Drools; the
 * engine thread turns each into the facts its rules read ({@code engine.InputFacts}). Sealed, so
 * that a new kind of input is a compile error where it is translated, not a fact the rules ignore.
 * (Signals are the other lane of the {@link Inbox}: bounded and admitted whole, see {@link SignalQueue}.)
 */
public sealed interface EngineInput {

    /** An operator approved or rejected a pending approval (already stored). */
    record ApprovalAnswer(String approvalId, boolean approved, String by, String reason) implements EngineInput {
        public ApprovalAnswer {
            Objects.requireNonNull(approvalId, "approvalId");
            Objects.requireNonNull(by, "by");
        }
    }

    /** Automatic remediation switched on or off, globally ({@code scope} "*") or for one tenant (already stored). */
    record AutoRemediationSwitch(String scope, boolean enabled, String by, String reason, Instant at) implements EngineInput {
        /** The scope of the switch that covers every tenant. */
        public static final String GLOBAL = io.homeostat.service.engine.facts.AutoRemediation.GLOBAL;

        public AutoRemediationSwitch {
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * Maintenance an operator switched on (until {@code until}) or off, globally ({@code labelKey} null) or for
     * the resources with a label (already stored and audited).
     */
    record MaintenanceSwitch(String scope, boolean on, String labelKey, String labelValue, Instant until, String by, String reason, Instant at)
            implements EngineInput {
        public MaintenanceSwitch {
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * An operator pins the autonomy of a tenant's (issue type, action) pair to {@code mode} (observe,
     * suggest or auto), or unpins it ({@code mode} null). Audited before it is submitted.
     */
    record AutonomyPinRequest(String tenant, String issueType, String actionId, String mode, String by, String reason, Instant at)
            implements EngineInput {
        /** The modes a pin may name. */
        public static final java.util.Set<String> MODES = java.util.Arrays.stream(AutonomyMode.values()).map(AutonomyMode::label)
                .collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new));

        public AutonomyPinRequest {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(issueType, "issueType");
            Objects.requireNonNull(actionId, "actionId");
            Objects.requireNonNull(by, "by");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * A pair's autonomy as the store has it after another replica changed it (a pin through its API, a
     * promotion or demotion its engine judged): {@code cluster.SharedSwitches} hands it over; the rules
     * take it when it is newer than what this engine holds.
     */
    record AutonomyHeard(io.homeostat.service.engine.facts.AutonomyHeard pair) implements EngineInput {
        public AutonomyHeard {
            Objects.requireNonNull(pair, "pair");
        }
    }

    /**
     * An operator asks for {@code actionId} on an issue now; with {@code overrideReason} a gate that would
     * stop it is recorded but does not. The proposal id is chosen here so the API can answer with it.
     */
    record ManualRun(String proposalId, String issueId, String actionId, Map<String, String> parameters, String by,
                     String overrideReason) implements EngineInput {
        public ManualRun {
            Objects.requireNonNull(proposalId, "proposalId");
            Objects.requireNonNull(issueId, "issueId");
            Objects.requireNonNull(actionId, "actionId");
            parameters = Map.copyOf(parameters);
        }

        public static ManualRun of(String issueId, String actionId, Map<String, String> parameters, String by, String overrideReason) {
            return new ManualRun(UUID.randomUUID().toString(), issueId, actionId, parameters, by, overrideReason);
        }
    }

    /** The executor's report on an attempt: finished, did not apply, never started, or interrupted. */
    record AttemptReport(RemediationOutcome outcome) implements EngineInput {
        public AttemptReport {
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    /** The executor's report on a rollback. */
    record RollbackReport(RollbackOutcome outcome) implements EngineInput {
        public RollbackReport {
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    /**
     * Resources this engine evaluates from now on (a Kafka rebalance assigned their partitions): their
     * state as the store has it ({@code facts}, not outputs: stored already) and the outcomes the rules
     * must still hear ({@code events}). Evaluated before any later signal of theirs.
     */
    record Adopt(String what, List<Object> facts, List<Object> events) implements EngineInput {
        public Adopt {
            Objects.requireNonNull(what, "what");
            facts = List.copyOf(facts);
            events = List.copyOf(events);
        }
    }

    /** Resources another engine evaluates from now on (their partitions were revoked): their facts leave this session. */
    record Release(String what, java.util.function.BiPredicate<String, String> resources) implements EngineInput {
        public Release {
            Objects.requireNonNull(what, "what");
            Objects.requireNonNull(resources, "resources");
        }
    }

    /**
     * The alerts of one Alertmanager notification that are news (not duplicates), mapped: each is the
     * next state of the alert of its fingerprint.
     */
    record AlertNotice(List<AlertState> alerts) implements EngineInput {
        public AlertNotice {
            alerts = List.copyOf(alerts);
        }
    }

    /**
     * One alert as a notification reported it.
     *
     * @param issueType the issue it is evidence of, by its mapping; null when no mapping matched
     * @param severity low, medium, high or critical (null when unmapped)
     * @param endsAt when it resolved; null while it fires
     * @param holdOff act only if the alert still fires this long after {@code startsAt}
     * @param source the reporter recorded on the issue's evidence
     */
    record AlertState(String tenant, String fingerprint, String alertname, String resource, String issueType, String severity,
                      boolean firing, Instant startsAt, Instant endsAt, Duration holdOff, Map<String, String> labels,
                      Map<String, String> annotations, String source) {
        public AlertState {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(fingerprint, "fingerprint");
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(startsAt, "startsAt");
            Objects.requireNonNull(holdOff, "holdOff");
            labels = Map.copyOf(labels);
            annotations = Map.copyOf(annotations);
        }
    }
}
