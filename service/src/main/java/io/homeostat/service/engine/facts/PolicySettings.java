package io.homeostat.service.engine.facts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The numbers of the gate policy, from config.yml ({@code policy:}), as one fact: operators tune
 * numbers in configuration and change policy by editing DRL. Immutable; build one with
 * {@link #builder()}. The helper methods only look numbers up; what they mean is in the rules.
 */
public final class PolicySettings {
    private static final List<String> RISKS = List.of("LOW", "MEDIUM", "HIGH", "CRITICAL");

    private final Builder b;

    private PolicySettings(Builder builder) {
        this.b = builder.copy();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static PolicySettings defaults() {
        return builder().build();
    }

    public Builder toBuilder() {
        return b.copy();
    }

    public int getMaxPerResourcePerHour() {
        return b.maxPerResourcePerHour;
    }

    public int getMaxPerTenantPerMinute() {
        return b.maxPerTenantPerMinute;
    }

    public int getMaxGlobalPerHour() {
        return b.maxGlobalPerHour;
    }

    public int getMaxConcurrent() {
        return b.maxConcurrent;
    }

    public String getBlastRadiusLabel() {
        return b.blastRadiusLabel;
    }

    public double getBlastRadiusShare() {
        return b.blastRadiusShare;
    }

    /** How many members of a group of {@code size} may be under remediation at once: the share, but at least one. */
    public int blastRadiusLimit(long size) {
        return (int) Math.max(1, Math.floor(size * b.blastRadiusShare));
    }

    public int getBreakerFailures() {
        return b.breakerFailures;
    }

    public long getBreakerCooldownMillis() {
        return b.breakerCooldownMillis;
    }

    public double getRoiThreshold() {
        return b.roiThreshold;
    }

    public double severityWeight(Severity severity) {
        return b.severityWeights.getOrDefault(severity.label(), 1.0);
    }

    public double riskPenalty(String risk) {
        return b.riskPenalties.getOrDefault(risk.toLowerCase(Locale.ROOT), 0.0);
    }

    /** Expected duration of a problem of this type if nobody acts, in minutes. */
    public double expectedMinutes(String issueType) {
        return b.expectedMinutes.getOrDefault(issueType, b.defaultExpectedMinutes);
    }

    /** How much a resource matters: the first matching entry (exact id or a trailing-* prefix), else the default. */
    public double criticality(String resource) {
        Double exact = b.criticality.get(resource);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, Double> entry : b.criticality.entrySet()) {
            String key = entry.getKey();
            if (key.endsWith("*") && resource.startsWith(key.substring(0, key.length() - 1))) {
                return entry.getValue();
            }
        }
        return b.defaultCriticality;
    }

    public double getPriorWeight() {
        return b.priorWeight;
    }

    public double getExplorationWeight() {
        return b.explorationWeight;
    }

    /** How much better a later strategy must score before it is tried ahead of the rule's order. */
    public double getReorderMargin() {
        return b.reorderMargin;
    }

    /** Whether an action of this risk needs a human's approval. */
    public boolean needsApproval(String risk) {
        return atLeast(risk, b.approvalMinRisk);
    }

    public String getApprovalMinRisk() {
        return b.approvalMinRisk;
    }

    public long getApprovalTimeoutMillis() {
        return b.approvalTimeoutMillis;
    }

    /** Whether an action of this risk is "critical" for the quorum gate. */
    public boolean needsQuorum(String risk) {
        return atLeast(risk, b.quorumMinRisk);
    }

    public String getQuorumMinRisk() {
        return b.quorumMinRisk;
    }

    public double getQuorumShare() {
        return b.quorumShare;
    }

    private static boolean atLeast(String risk, String threshold) {
        if ("none".equalsIgnoreCase(threshold)) {
            return false;
        }
        return RISKS.indexOf(risk.toUpperCase(Locale.ROOT)) >= RISKS.indexOf(threshold.toUpperCase(Locale.ROOT));
    }

    /** Why dry-run applies to this tenant and plugin ("global", "tenant acme", "plugin http"), or null when it does not. */
    public String dryRunReason(String tenant, String pluginId) {
        if (b.dryRun) {
            return "global";
        }
        TenantPolicy own = b.tenants.get(tenant);
        if (b.dryRunTenants.contains(tenant) || own != null && Boolean.TRUE.equals(own.dryRun())) {
            return "tenant " + tenant;
        }
        if (pluginId != null && b.dryRunPlugins.contains(pluginId)) {
            return "plugin " + pluginId;
        }
        return null;
    }

    /** The tenant's limit of remediations per minute: its own, else the global one. */
    public int maxPerTenantPerMinute(String tenant) {
        TenantPolicy own = b.tenants.get(tenant);
        return own != null && own.perTenantPerMinute() != null ? own.perTenantPerMinute() : b.maxPerTenantPerMinute;
    }

    /** The risk from which the tenant's actions wait for a human: its own, else the global one. */
    public String approvalMinRisk(String tenant) {
        TenantPolicy own = b.tenants.get(tenant);
        return own != null && own.approvalMinRisk() != null ? own.approvalMinRisk().toUpperCase(Locale.ROOT) : b.approvalMinRisk;
    }

    public boolean needsApproval(String tenant, String risk) {
        return atLeast(risk, approvalMinRisk(tenant));
    }

    /** Whether the tenant's automatic runs are on while no operator has switched them: true unless its policy says false. */
    public boolean autoRemediationByDefault(String tenant) {
        TenantPolicy own = b.tenants.get(tenant);
        return own == null || own.autoRemediation() == null || own.autoRemediation();
    }

    /** Whether the tenant may use the action: every action, unless its policy lists the ones it may. */
    public boolean allowsAction(String tenant, String actionId) {
        TenantPolicy own = b.tenants.get(tenant);
        return own == null || own.actions() == null || own.actions().contains(actionId);
    }

    /** The tenants with overrides, by name. */
    public Map<String, TenantPolicy> getTenants() {
        return Map.copyOf(b.tenants);
    }

    public long getDeferRetryMillis() {
        return b.deferRetryMillis;
    }

    public long getMaxDeferralMillis() {
        return b.maxDeferralMillis;
    }

    public long verificationMillis(String actionId) {
        return b.verificationMillis.getOrDefault(actionId, b.defaultVerificationMillis);
    }

    /** The verification deadline of actions without their own. */
    public long getDefaultVerificationMillis() {
        return b.defaultVerificationMillis;
    }

    /** Expected minutes of issue types without their own. */
    public double getDefaultExpectedMinutes() {
        return b.defaultExpectedMinutes;
    }

    /** Criticality of resources no entry matches. */
    public double getDefaultCriticality() {
        return b.defaultCriticality;
    }

    /** Whether every tenant runs dry. */
    public boolean isDryRunGlobal() {
        return b.dryRun;
    }

    public long getProbationMillis() {
        return b.probationMillis;
    }

    /** The return within probation at which a fix is given up on and a human takes over (1: the first). */
    public int getProbationReturns() {
        return b.probationReturns;
    }

    public long getReturnBackoffMillis() {
        return b.returnBackoffMillis;
    }

    /**
     * How long to wait before acting on the {@code returns}-th return within probation: none after
     * the first (a crash right after a restart is restarted at once), then the backoff, doubling
     * (10 s, 20 s, 40 s, ... by default), at most the probation period.
     */
    public long returnBackoffMillis(int returns) {
        if (returns <= 1 || b.returnBackoffMillis <= 0) {
            return 0;
        }
        long wait = b.returnBackoffMillis << Math.min(30, returns - 2);
        return Math.min(wait, Math.max(b.returnBackoffMillis, b.probationMillis));
    }

    public long getResolveQuietPeriodMillis() {
        return b.resolveQuietPeriodMillis;
    }

    /** The mode a tenant's new (issue type, action) pairs start in: its own, else the global one. */
    public AutonomyMode autonomyStartIn(String tenant) {
        TenantPolicy own = b.tenants.get(tenant);
        return own != null && own.autonomyStartIn() != null ? own.autonomyStartIn() : b.autonomyStartIn;
    }

    public AutonomyMode getAutonomyStartIn() {
        return b.autonomyStartIn;
    }

    /** Decisions a pair must observe (would have run) before it is promoted from observe to suggest. */
    public int getAutonomySuggestAfter() {
        return b.autonomySuggestAfter;
    }

    /** Verified successes in the window a pair needs before it is promoted from suggest to auto. */
    public int getAutonomyAutoAfterSuccesses() {
        return b.autonomyAutoAfterSuccesses;
    }

    /** The share of verified successes in the window a pair needs before it is promoted to auto. */
    public double getAutonomyAutoMinSuccessRate() {
        return b.autonomyAutoMinSuccessRate;
    }

    /** How many of a pair's latest finished attempts its record keeps. */
    public int getAutonomyWindow() {
        return b.autonomyWindow;
    }

    /** Failures in a row that demote a pair one step. */
    public int getAutonomyDemoteAfterFailures() {
        return b.autonomyDemoteAfterFailures;
    }

    /** Mutable builder; every field starts at the documented default. */
    public static final class Builder {
        private int maxPerResourcePerHour = 10;
        private int maxPerTenantPerMinute = 10;
        private int maxGlobalPerHour = 100;
        private int maxConcurrent = 5;
        private String blastRadiusLabel = "service";
        private double blastRadiusShare = 0.25;
        private int breakerFailures = 5;
        private long breakerCooldownMillis = 300_000;
        private double roiThreshold = 0;
        private Map<String, Double> severityWeights = new LinkedHashMap<>(
                Map.of("info", 0.0, "low", 1.0, "medium", 3.0, "high", 10.0, "critical", 30.0));
        private Map<String, Double> riskPenalties = new LinkedHashMap<>(
                Map.of("low", 0.0, "medium", 1.0, "high", 5.0, "critical", 20.0));
        private Map<String, Double> expectedMinutes = new LinkedHashMap<>();
        private double defaultExpectedMinutes = 30;
        private Map<String, Double> criticality = new LinkedHashMap<>();
        private double defaultCriticality = 1.0;
        private double priorWeight = 2;
        private double explorationWeight = 0.1;
        private double reorderMargin = 0.15;
        private String approvalMinRisk = "HIGH";
        private long approvalTimeoutMillis = 15 * 60_000L;
        private String quorumMinRisk = "HIGH";
        private double quorumShare = 0.6;
        private boolean dryRun;
        private Set<String> dryRunTenants = Set.of();
        private Set<String> dryRunPlugins = Set.of();
        private long deferRetryMillis = 15_000;
        private long maxDeferralMillis = 3_600_000;
        private Map<String, Long> verificationMillis = new LinkedHashMap<>();
        private long defaultVerificationMillis = 120_000;
        private long probationMillis = 3_600_000;
        private int probationReturns = 5;
        private long returnBackoffMillis = 10_000;
        private long resolveQuietPeriodMillis = 120_000;
        private Map<String, TenantPolicy> tenants = new LinkedHashMap<>();
        // Earned autonomy: new pairs only observe until their record earns more (rules/autonomy.drl).
        private AutonomyMode autonomyStartIn = AutonomyMode.OBSERVE;
        private int autonomySuggestAfter = 5;
        private int autonomyAutoAfterSuccesses = 10;
        private double autonomyAutoMinSuccessRate = 0.9;
        private int autonomyWindow = 30;
        private int autonomyDemoteAfterFailures = 3;

        public Builder tenant(TenantPolicy policy) {
            this.tenants.put(policy.tenant(), policy);
            return this;
        }

        private Builder copy() {
            Builder copy = new Builder();
            copy.maxPerResourcePerHour = maxPerResourcePerHour;
            copy.maxPerTenantPerMinute = maxPerTenantPerMinute;
            copy.maxGlobalPerHour = maxGlobalPerHour;
            copy.maxConcurrent = maxConcurrent;
            copy.blastRadiusLabel = blastRadiusLabel;
            copy.blastRadiusShare = blastRadiusShare;
            copy.breakerFailures = breakerFailures;
            copy.breakerCooldownMillis = breakerCooldownMillis;
            copy.roiThreshold = roiThreshold;
            copy.severityWeights = new LinkedHashMap<>(severityWeights);
            copy.riskPenalties = new LinkedHashMap<>(riskPenalties);
            copy.expectedMinutes = new LinkedHashMap<>(expectedMinutes);
            copy.defaultExpectedMinutes = defaultExpectedMinutes;
            copy.criticality = new LinkedHashMap<>(criticality);
            copy.defaultCriticality = defaultCriticality;
            copy.priorWeight = priorWeight;
            copy.explorationWeight = explorationWeight;
            copy.reorderMargin = reorderMargin;
            copy.approvalMinRisk = approvalMinRisk;
            copy.approvalTimeoutMillis = approvalTimeoutMillis;
            copy.quorumMinRisk = quorumMinRisk;
            copy.quorumShare = quorumShare;
            copy.dryRun = dryRun;
            copy.dryRunTenants = Set.copyOf(dryRunTenants);
            copy.dryRunPlugins = Set.copyOf(dryRunPlugins);
            copy.deferRetryMillis = deferRetryMillis;
            copy.maxDeferralMillis = maxDeferralMillis;
            copy.verificationMillis = new LinkedHashMap<>(verificationMillis);
            copy.defaultVerificationMillis = defaultVerificationMillis;
            copy.probationMillis = probationMillis;
            copy.probationReturns = probationReturns;
            copy.returnBackoffMillis = returnBackoffMillis;
            copy.resolveQuietPeriodMillis = resolveQuietPeriodMillis;
            copy.tenants = new LinkedHashMap<>(tenants);
            copy.autonomyStartIn = autonomyStartIn;
            copy.autonomySuggestAfter = autonomySuggestAfter;
            copy.autonomyAutoAfterSuccesses = autonomyAutoAfterSuccesses;
            copy.autonomyAutoMinSuccessRate = autonomyAutoMinSuccessRate;
            copy.autonomyWindow = autonomyWindow;
            copy.autonomyDemoteAfterFailures = autonomyDemoteAfterFailures;
            return copy;
        }

        public Builder rateLimits(int perResourcePerHour, int perTenantPerMinute, int globalPerHour) {
            this.maxPerResourcePerHour = perResourcePerHour;
            this.maxPerTenantPerMinute = perTenantPerMinute;
            this.maxGlobalPerHour = globalPerHour;
            return this;
        }

        public Builder maxConcurrent(int value) {
            this.maxConcurrent = value;
            return this;
        }

        public Builder blastRadius(String label, double share) {
            this.blastRadiusLabel = label;
            this.blastRadiusShare = share;
            return this;
        }

        public Builder breaker(int failures, long cooldownMillis) {
            this.breakerFailures = failures;
            this.breakerCooldownMillis = cooldownMillis;
            return this;
        }

        public Builder costBenefit(double roiThreshold, Map<String, Double> severityWeights, Map<String, Double> riskPenalties,
                                   Map<String, Double> expectedMinutes, double defaultExpectedMinutes,
                                   Map<String, Double> criticality, double defaultCriticality) {
            this.roiThreshold = roiThreshold;
            this.severityWeights.putAll(lower(severityWeights));
            this.riskPenalties.putAll(lower(riskPenalties));
            this.expectedMinutes = new LinkedHashMap<>(expectedMinutes);
            this.defaultExpectedMinutes = defaultExpectedMinutes;
            this.criticality = new LinkedHashMap<>(criticality);
            this.defaultCriticality = defaultCriticality;
            return this;
        }

        public Builder roiThreshold(double value) {
            this.roiThreshold = value;
            return this;
        }

        public Builder criticality(String resourcePattern, double value) {
            this.criticality.put(resourcePattern, value);
            return this;
        }

        public Builder learning(double priorWeight, double explorationWeight, double reorderMargin) {
            this.priorWeight = priorWeight;
            this.explorationWeight = explorationWeight;
            this.reorderMargin = reorderMargin;
            return this;
        }

        public Builder approval(String minRisk, long timeoutMillis) {
            // Upper case, as the risk levels are; config writes them in lower case.
            this.approvalMinRisk = minRisk.toUpperCase(Locale.ROOT);
            this.approvalTimeoutMillis = timeoutMillis;
            return this;
        }

        public Builder quorum(String minRisk, double share) {
            this.quorumMinRisk = minRisk.toUpperCase(Locale.ROOT);
            this.quorumShare = share;
            return this;
        }

        public Builder dryRun(boolean global, Set<String> tenants, Set<String> plugins) {
            this.dryRun = global;
            this.dryRunTenants = Set.copyOf(tenants);
            this.dryRunPlugins = Set.copyOf(plugins);
            return this;
        }

        public Builder deferral(long retryMillis, long maxMillis) {
            this.deferRetryMillis = retryMillis;
            this.maxDeferralMillis = maxMillis;
            return this;
        }

        public Builder verification(long defaultMillis, Map<String, Long> perAction) {
            this.defaultVerificationMillis = defaultMillis;
            this.verificationMillis = new LinkedHashMap<>(perAction);
            return this;
        }

        public Builder probationMillis(long value) {
            this.probationMillis = value;
            return this;
        }

        /** Escalate at the {@code returns}-th return within probation; before that, act again after {@code backoffMillis} (doubling). */
        public Builder probationReturns(int returns, long backoffMillis) {
            if (returns < 1) {
                throw new IllegalArgumentException("probationReturns must be at least 1");
            }
            this.probationReturns = returns;
            this.returnBackoffMillis = Math.max(0, backoffMillis);
            return this;
        }

        public Builder resolveQuietPeriodMillis(long value) {
            this.resolveQuietPeriodMillis = value;
            return this;
        }

        /** The mode new pairs start in, for tenants without their own. */
        public Builder autonomyStartIn(AutonomyMode mode) {
            this.autonomyStartIn = java.util.Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The numbers of earned autonomy's promotion and demotion rules. */
        public Builder autonomy(int suggestAfter, int autoAfterSuccesses, double autoMinSuccessRate, int window, int demoteAfterFailures) {
            if (window < 1 || autoAfterSuccesses > window) {
                throw new IllegalArgumentException("autonomy.window must be at least 1 and at least autoAfterSuccesses");
            }
            this.autonomySuggestAfter = suggestAfter;
            this.autonomyAutoAfterSuccesses = autoAfterSuccesses;
            this.autonomyAutoMinSuccessRate = autoMinSuccessRate;
            this.autonomyWindow = window;
            this.autonomyDemoteAfterFailures = demoteAfterFailures;
            return this;
        }

        private static Map<String, Double> lower(Map<String, Double> values) {
            Map<String, Double> out = new LinkedHashMap<>();
            values.forEach((key, value) -> out.put(key.toLowerCase(Locale.ROOT), value));
            return out;
        }

        public PolicySettings build() {
            return new PolicySettings(this);
        }
    }
}
