package io.homeostat.service.cluster;

import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.RemediationRecord;
import io.homeostat.service.store.RemediationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * The gates whose limits the whole cluster shares, checked again against the shared database when an
 * attempt is about to start: a replica's rule session counts only what its own engine decided, so two
 * replicas that heard the same failing resource would each pass their gates. Inside the transaction
 * that marks the attempt running (replicas admit one after the other):
 * <ul>
 *   <li>{@code cluster.resource}: another replica's attempt on the resource runs, or ended less than its
 *       action's verification time ago (its effect is still being judged): not a second remediation;</li>
 *   <li>the counted limits the decision passed ({@code rate.resource}, {@code rate.tenant},
 *       {@code rate.global}, {@code concurrency.global}, {@code blast-radius}), each with the limit and
 *       window its gate recorded, counted over every replica's attempts;</li>
 *   <li>the state an operator or another replica's engine stored: an auto-remediation switch turned off
 *       (through any replica; an operator's own run passes, as in the rules) and the action's breaker on
 *       the resource open.</li>
 * </ul>
 * A refusal defers the decision (the rules decide again after {@code retryAfter}), with the figures.
 */
public final class ClusterAdmission {
    private final String replica;
    private final ToLongFunction<String> verificationMillis;
    private final LongSupplier breakerCooldownMillis;
    private final Duration retryAfter;

    public ClusterAdmission(String replica, ToLongFunction<String> verificationMillis, LongSupplier breakerCooldownMillis, Duration retryAfter) {
        this.replica = Objects.requireNonNull(replica, "replica");
        this.verificationMillis = Objects.requireNonNull(verificationMillis, "verificationMillis");
        this.breakerCooldownMillis = Objects.requireNonNull(breakerCooldownMillis, "breakerCooldownMillis");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** The admission of one attempt of {@code decision}. */
    public RemediationStore.Admission of(RemediationRecord attempt, DecisionRecord decision) {
        return shared -> otherReplica(attempt, shared).or(() -> switches(attempt, decision, shared)).or(() -> breaker(attempt, shared))
                .or(() -> limits(attempt, decision, shared));
    }

    private Optional<RemediationStore.Refusal> switches(RemediationRecord attempt, DecisionRecord decision, RemediationStore.Shared shared) {
        boolean manual = decision.explanation() != null && decision.explanation().stream().anyMatch(step -> "auto-remediation".equals(step.gate())
                && step.figures() != null && Boolean.TRUE.equals(step.figures().get("manual")));
        if (manual) {
            return Optional.empty();
        }
        java.util.List<String> off = shared.switchedOff(attempt.tenant());
        if (off.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RemediationStore.Refusal("cluster.auto-remediation", "auto-remediation is switched off for " + off,
                retryAfter, Map.of("switchedOff", off)));
    }

    private Optional<RemediationStore.Refusal> breaker(RemediationRecord attempt, RemediationStore.Shared shared) {
        Optional<Instant> opened = shared.breakerOpenedAt(attempt.tenant(), attempt.resource(), attempt.actionId());
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        Instant until = opened.get().plusMillis(breakerCooldownMillis.getAsLong());
        Duration wait = Duration.between(shared.now(), until);
        return Optional.of(new RemediationStore.Refusal("cluster.breaker", "the breaker of " + attempt.actionId() + " on " + attempt.resource()
                + " is open since " + opened.get(), wait.compareTo(retryAfter) > 0 ? wait : retryAfter,
                Map.of("action", attempt.actionId())));
    }

    private Optional<RemediationStore.Refusal> otherReplica(RemediationRecord attempt, RemediationStore.Shared shared) {
        Optional<RemediationRecord> latest = shared.latestOfOthers(attempt.tenant(), attempt.resource(), replica);
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        RemediationRecord other = latest.get();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("replica", other.replicaId());
        figures.put("remediation", other.id());
        figures.put("action", other.actionId());
        figures.put("state", other.state());
        if (RemediationRecord.RUNNING.equals(other.state()) || RemediationRecord.PENDING.equals(other.state())) {
            return Optional.of(new RemediationStore.Refusal("cluster.resource", "replica " + other.replicaId() + " is remediating "
                    + attempt.resource() + " (" + other.actionId() + ", " + other.id() + ")", retryAfter, figures));
        }
        if (other.finishedAt() == null || RemediationRecord.CANCELLED.equals(other.state())) {
            return Optional.empty();
        }
        Instant judgedUntil = other.finishedAt().plusMillis(verificationMillis.applyAsLong(other.actionId()));
        if (!shared.now().isBefore(judgedUntil)) {
            return Optional.empty();
        }
        figures.put("finishedAt", other.finishedAt().toString());
        figures.put("verifiedUntil", judgedUntil.toString());
        Duration wait = Duration.between(shared.now(), judgedUntil);
        return Optional.of(new RemediationStore.Refusal("cluster.resource", "replica " + other.replicaId() + " remediated "
                + attempt.resource() + " (" + other.actionId() + " " + other.state() + " at " + other.finishedAt()
                + "); its effect is judged until " + judgedUntil, wait.compareTo(retryAfter) > 0 ? wait : retryAfter, figures));
    }

    private Optional<RemediationStore.Refusal> limits(RemediationRecord attempt, DecisionRecord decision, RemediationStore.Shared shared) {
        if (decision.explanation() == null) {
            return Optional.empty();
        }
        for (DecisionRecord.ExplanationEntry step : decision.explanation()) {
            if (step.gate() == null || step.figures() == null || !(step.figures().get("limit") instanceof Number limit)) {
                continue;
            }
            Duration window = window(step.figures().get("window"));
            long counted;
            switch (step.gate()) {
                case "rate.resource" -> counted = shared.startedSince(attempt.tenant(), attempt.resource(), shared.now().minus(window));
                case "rate.tenant" -> counted = shared.startedSince(attempt.tenant(), null, shared.now().minus(window));
                case "rate.global" -> counted = shared.startedSince(null, null, shared.now().minus(window));
                case "concurrency.global" -> counted = shared.running();
                case "blast-radius" -> {
                    if (decision.blastGroup() == null) {
                        continue;
                    }
                    counted = shared.runningInGroup(attempt.tenant(), decision.blastGroup());
                }
                default -> {
                    continue;
                }
            }
            if (counted >= limit.longValue()) {
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("gate", step.gate());
                figures.put("count", counted);
                figures.put("limit", limit.longValue());
                if (!step.gate().startsWith("concurrency")) {
                    figures.put("window", step.figures().get("window"));
                }
                return Optional.of(new RemediationStore.Refusal("cluster." + step.gate(), counted + " of " + limit.longValue() + " ("
                        + step.gate() + ") counted over every replica", retryAfter, figures));
            }
        }
        return Optional.empty();
    }

    /** A gate's window figure ("1h", "1m", "30s"); an hour when it has none or cannot be read. */
    static Duration window(Object figure) {
        if (figure instanceof String text && text.length() > 1) {
            try {
                long amount = Long.parseLong(text.substring(0, text.length() - 1));
                switch (text.charAt(text.length() - 1)) {
                    case 's': return Duration.ofSeconds(amount);
                    case 'm': return Duration.ofMinutes(amount);
                    case 'h': return Duration.ofHours(amount);
                    case 'd': return Duration.ofDays(amount);
                    default: break;
                }
            } catch (NumberFormatException e) {
                // an hour, below
            }
        }
        return Duration.ofHours(1);
    }
}
