package io.homeostat.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.OneOf;
import io.homeostat.service.engine.WindowSchedule;
import io.homeostat.service.engine.facts.AutonomyMode;
import io.homeostat.service.engine.facts.PolicySettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code policy:} the numbers the gate rules read, as a PolicySettings fact, and the maintenance
 * windows. Every number has the default the product documents (docs/OPERATIONS.md).
 */
public class PolicyFactory {
    /**
     * The defaults live once, in {@link PolicySettings.Builder} (the rule authors' API): every field
     * below starts from them. HomeostatConfigurationTest checks that an empty policy yields them.
     */
    private static final PolicySettings DEFAULTS = PolicySettings.builder().build();

    @Valid
    @NotNull
    @JsonProperty
    private RateLimits rateLimits = new RateLimits();

    /** Remediations running (or verifying) at once, across all resources. */
    @Min(1)
    @Max(10_000)
    @JsonProperty
    private int maxConcurrent = DEFAULTS.getMaxConcurrent();

    @Valid
    @NotNull
    @JsonProperty
    private BlastRadius blastRadius = new BlastRadius();

    @Valid
    @NotNull
    @JsonProperty
    private BreakerSettings breaker = new BreakerSettings();

    @Valid
    @NotNull
    @JsonProperty
    private CostBenefitSettings costBenefit = new CostBenefitSettings();

    @Valid
    @NotNull
    @JsonProperty
    private LearningSettings learning = new LearningSettings();

    @Valid
    @NotNull
    @JsonProperty
    private ApprovalSettings approval = new ApprovalSettings();

    @Valid
    @NotNull
    @JsonProperty
    private QuorumSettings quorum = new QuorumSettings();

    @Valid
    @NotNull
    @JsonProperty
    private DryRunSettings dryRun = new DryRunSettings();

    @Valid
    @NotNull
    @JsonProperty
    private DeferralSettings deferral = new DeferralSettings();

    @Valid
    @NotNull
    @JsonProperty
    private VerificationSettings verification = new VerificationSettings();

    /** After a fix resolves an issue, the same problem coming back within this long escalates. */
    @MinDuration(value = 0, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration probation = Duration.milliseconds(DEFAULTS.getProbationMillis());

    /**
     * The return of a fixed problem within the probation period at which automation gives up and a
     * human takes over (like Monit's "N restarts within M cycles"); earlier returns are fixed again.
     */
    @Min(1)
    @Max(1000)
    @JsonProperty
    private int probationReturns = DEFAULTS.getProbationReturns();

    /** The wait before acting on the second return, doubling with each further one (none on the first). */
    @MinDuration(value = 0, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration returnBackoff = Duration.milliseconds(DEFAULTS.getReturnBackoffMillis());

    /**
     * How long evidence must stay clear before an issue resolves. Keep it at least as long as the
     * longest evidence window of the rules (2 minutes in the shipped rules).
     */
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration resolveQuietPeriod = Duration.milliseconds(DEFAULTS.getResolveQuietPeriodMillis());

    @Valid
    @NotNull
    @JsonProperty
    private List<WindowSettings> windows = new ArrayList<>();

    @Valid
    @NotNull
    @JsonProperty
    private AutonomySettings autonomy = new AutonomySettings();

    public PolicySettings build() {
        Map<String, Long> perAction = new LinkedHashMap<>();
        verification.actions.forEach((action, deadline) -> perAction.put(action, deadline.toMilliseconds()));
        return PolicySettings.builder()
                .rateLimits(rateLimits.perResourcePerHour, rateLimits.perTenantPerMinute, rateLimits.globalPerHour)
                .maxConcurrent(maxConcurrent)
                .blastRadius(blastRadius.label, blastRadius.maxShare)
                .breaker(breaker.failures, breaker.cooldown.toMilliseconds())
                .costBenefit(costBenefit.roiThreshold, costBenefit.severityWeights, costBenefit.riskPenalties, costBenefit.expectedMinutes,
                        costBenefit.defaultExpectedMinutes, costBenefit.criticality, costBenefit.defaultCriticality)
                .learning(learning.priorWeight, learning.exploration, learning.reorderMargin)
                .approval(approval.minRisk, approval.timeout.toMilliseconds())
                .quorum(quorum.minRisk, quorum.share)
                .dryRun(dryRun.global, dryRun.tenants, dryRun.plugins)
                .deferral(deferral.retry.toMilliseconds(), deferral.maxWait.toMilliseconds())
                .verification(verification.deadline.toMilliseconds(), perAction)
                .probationMillis(probation.toMilliseconds())
                .probationReturns(probationReturns, returnBackoff.toMilliseconds())
                .resolveQuietPeriodMillis(resolveQuietPeriod.toMilliseconds())
                .autonomyStartIn(AutonomyMode.fromLabel(autonomy.startIn))
                .autonomy(autonomy.suggestAfter, autonomy.autoAfterSuccesses, autonomy.autoMinSuccessRate, autonomy.window,
                        autonomy.demoteAfterFailures)
                .build();
    }

    /** The configured windows; a bad cron expression or label fails start-up with the window's name. */
    public List<WindowSchedule> windows() {
        List<WindowSchedule> out = new ArrayList<>();
        for (int i = 0; i < windows.size(); i++) {
            WindowSettings window = windows.get(i);
            try {
                out.add(new WindowSchedule(window.name, window.kind, window.cron,
                        window.duration.toJavaDuration(), ZoneId.of(window.timeZone), window.label));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("policy.windows[" + i + "] (" + window.name + "): " + e.getMessage(), e);
            }
        }
        return out;
    }

    public static class RateLimits {
        @Min(0)
        @JsonProperty
        private int perResourcePerHour = DEFAULTS.getMaxPerResourcePerHour();
        @Min(0)
        @JsonProperty
        private int perTenantPerMinute = DEFAULTS.getMaxPerTenantPerMinute();
        @Min(0)
        @JsonProperty
        private int globalPerHour = DEFAULTS.getMaxGlobalPerHour();
    }

    public static class BlastRadius {
        /** Resources with the same value of this label form a group. */
        @NotBlank
        @JsonProperty
        private String label = DEFAULTS.getBlastRadiusLabel();
        @DecimalMin("0.0")
        @DecimalMax("1.0")
        @JsonProperty
        private double maxShare = DEFAULTS.getBlastRadiusShare();
    }

    public static class BreakerSettings {
        @Min(1)
        @JsonProperty
        private int failures = DEFAULTS.getBreakerFailures();
        @MinDuration(value = 1, unit = TimeUnit.SECONDS)
        @JsonProperty
        private Duration cooldown = Duration.milliseconds(DEFAULTS.getBreakerCooldownMillis());
    }

    public static class CostBenefitSettings {
        @JsonProperty
        private double roiThreshold = DEFAULTS.getRoiThreshold();
        @NotNull
        @JsonProperty
        private Map<String, Double> severityWeights = new LinkedHashMap<>();
        @NotNull
        @JsonProperty
        private Map<String, Double> riskPenalties = new LinkedHashMap<>();
        /** Per issue type: how many minutes the problem lasts if nobody acts. */
        @NotNull
        @JsonProperty
        private Map<String, Double> expectedMinutes = new LinkedHashMap<>();
        @DecimalMin("0.0")
        @JsonProperty
        private double defaultExpectedMinutes = DEFAULTS.getDefaultExpectedMinutes();
        /** Per resource id, or prefix ending in '*': how much it matters (1 = normal). */
        @NotNull
        @JsonProperty
        private Map<String, Double> criticality = new LinkedHashMap<>();
        @DecimalMin("0.0")
        @JsonProperty
        private double defaultCriticality = DEFAULTS.getDefaultCriticality();
    }

    public static class LearningSettings {
        /** How many attempts the plugin's declared prior is worth. */
        @DecimalMin("0.1")
        @JsonProperty
        private double priorWeight = DEFAULTS.getPriorWeight();
        @DecimalMin("0.0")
        @JsonProperty
        private double exploration = DEFAULTS.getExplorationWeight();
        /** A later strategy is tried first only when it scores this much better than an earlier one. */
        @DecimalMin("0.0")
        @JsonProperty
        private double reorderMargin = DEFAULTS.getReorderMargin();
    }

    public static class ApprovalSettings {
        /** Actions at or above this risk wait for a human; "none" switches approval off. */
        @OneOf(value = {"none", "low", "medium", "high", "critical"}, ignoreCase = true)
        @JsonProperty
        private String minRisk = DEFAULTS.getApprovalMinRisk().toLowerCase(Locale.ROOT);
        @MinDuration(value = 1, unit = TimeUnit.SECONDS)
        @JsonProperty
        private Duration timeout = Duration.milliseconds(DEFAULTS.getApprovalTimeoutMillis());
    }

    public static class QuorumSettings {
        /** Actions at or above this risk need the quorum; "none" switches it off. */
        @OneOf(value = {"none", "low", "medium", "high", "critical"}, ignoreCase = true)
        @JsonProperty
        private String minRisk = DEFAULTS.getQuorumMinRisk().toLowerCase(Locale.ROOT);
        @DecimalMin("0.0")
        @DecimalMax("1.0")
        @JsonProperty
        private double share = DEFAULTS.getQuorumShare();
    }

    public static class DryRunSettings {
        @JsonProperty
        private boolean global = DEFAULTS.isDryRunGlobal();
        @NotNull
        @JsonProperty
        private Set<String> tenants = new LinkedHashSet<>();
        @NotNull
        @JsonProperty
        private Set<String> plugins = new LinkedHashSet<>();
    }

    public static class DeferralSettings {
        /** How soon work deferred by a concurrency or blast-radius limit is evaluated again. */
        @MinDuration(value = 1, unit = TimeUnit.SECONDS)
        @JsonProperty
        private Duration retry = Duration.milliseconds(DEFAULTS.getDeferRetryMillis());
        /** Work deferred longer than this is given up and escalated. */
        @MinDuration(value = 1, unit = TimeUnit.SECONDS)
        @JsonProperty
        private Duration maxWait = Duration.milliseconds(DEFAULTS.getMaxDeferralMillis());
    }

    public static class VerificationSettings {
        /** How long after an action succeeds the issue has to clear. */
        @MinDuration(value = 1, unit = TimeUnit.SECONDS)
        @JsonProperty
        private Duration deadline = Duration.milliseconds(DEFAULTS.getDefaultVerificationMillis());
        @NotNull
        @JsonProperty
        private Map<String, Duration> actions = new LinkedHashMap<>();
    }

    /** Earned autonomy (rules/autonomy.drl): where new pairs start, and what promotes and demotes them. */
    public static class AutonomySettings {
        /** The mode a new (issue type, action) pair starts in: observe (dry-run), suggest (approval) or auto. */
        @OneOf(value = {"observe", "suggest", "auto"}, ignoreCase = true)
        @JsonProperty
        private String startIn = DEFAULTS.getAutonomyStartIn().label();
        /** Decisions observed (would have run) before observe is promoted to suggest. */
        @Min(1)
        @Max(10_000)
        @JsonProperty
        private int suggestAfter = DEFAULTS.getAutonomySuggestAfter();
        /** Verified successes in the window before suggest is promoted to auto. */
        @Min(1)
        @Max(1000)
        @JsonProperty
        private int autoAfterSuccesses = DEFAULTS.getAutonomyAutoAfterSuccesses();
        /** The share of the window's attempts that must have verified before suggest is promoted to auto. */
        @DecimalMin("0.0")
        @DecimalMax("1.0")
        @JsonProperty
        private double autoMinSuccessRate = DEFAULTS.getAutonomyAutoMinSuccessRate();
        /** How many of a pair's latest finished attempts count. */
        @Min(1)
        @Max(1000)
        @JsonProperty
        private int window = DEFAULTS.getAutonomyWindow();
        /** Failures in a row (the action failed, or the issue did not clear) that demote a pair one step. */
        @Min(1)
        @Max(1000)
        @JsonProperty
        private int demoteAfterFailures = DEFAULTS.getAutonomyDemoteAfterFailures();
    }

    public static class WindowSettings {
        @NotBlank
        @JsonProperty
        private String name;
        @OneOf({"maintenance", "freeze"})
        @JsonProperty
        private String kind = "maintenance";
        /** Unix cron, five fields: minute hour day-of-month month day-of-week. */
        @NotBlank
        @JsonProperty
        private String cron;
        @NotNull
        @MinDuration(value = 1, unit = TimeUnit.MINUTES)
        @JsonProperty
        private Duration duration;
        @NotBlank
        @JsonProperty
        private String timeZone = "UTC";
        /** key=value: only resources with this label; absent: every resource. */
        @JsonProperty
        private String label;
    }
}
