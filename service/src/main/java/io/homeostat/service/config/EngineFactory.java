package io.homeostat.service.config;

import com.codahale.metrics.MetricRegistry;
import io.homeostat.service.engine.BaselineSink;
import io.homeostat.service.engine.Engine;
import io.homeostat.service.engine.EngineOutputHandler;
import io.homeostat.service.engine.EngineSettings;
import io.homeostat.service.engine.RestoredState;
import io.homeostat.service.engine.RuleBase;
import io.homeostat.service.engine.WindowSchedule;
import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.engine.facts.Dependency;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.inbox.Inbox;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.ObjLongConsumer;
import java.util.function.Supplier;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import java.util.concurrent.TimeUnit;

/** {@code engine:} where the rules are and how the engine thread batches. */
public class EngineFactory {
    @NotEmpty
    @JsonProperty
    private String rulesDirectory = "rules";

    /** Most signals inserted before one fireAllRules. */
    @Min(1)
    @Max(100_000)
    @JsonProperty
    private int maxBatch = 5_000;

    /** The engine fires at least this often when idle, so that timers and windows move on. */
    @MinDuration(value = 10, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration tick = Duration.milliseconds(250);

    /** Learned baselines and anomaly scores of readings. */
    @jakarta.validation.Valid
    @jakarta.validation.constraints.NotNull
    @JsonProperty
    private BaselinesFactory baselines = new BaselinesFactory();

    /** Which series are projected (least-squares lines) for predictions. */
    @jakarta.validation.Valid
    @jakarta.validation.constraints.NotNull
    @JsonProperty
    private ProjectionsFactory projections = new ProjectionsFactory();

    /** How long shutdown waits for accepted signals to be evaluated. */
    @JsonProperty
    private Duration drainTimeout = Duration.seconds(30);

    /** Watch the rules directory and apply a change (that compiles) without a restart. */
    @JsonProperty
    private boolean watchRules = true;

    /** How long the directory must be quiet after a change before it is compiled (an editor writes in several steps). */
    @MinDuration(value = 10, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration reloadDebounce = Duration.milliseconds(500);

    /**
     * Refuse to start when the rule files do not compile. Off by default: the last accepted version
     * (from the store) serves, degraded and loud, so that a restart during an incident does not
     * become an outage because of a bad edit on disk.
     */
    @JsonProperty
    private boolean failOnRuleError = false;

    /** The engine watchdog's limit for one insert-and-fire: beyond it a looping rule is halted and left out. */
    @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration maxIterationTime = Duration.seconds(10);

    public java.time.Duration getMaxIterationTime() {
        return maxIterationTime.toJavaDuration();
    }

    public boolean isFailOnRuleError() {
        return failOnRuleError;
    }

    public boolean isWatchRules() {
        return watchRules;
    }

    @com.fasterxml.jackson.annotation.JsonIgnore // a view of the configured value, not a property
    public java.time.Duration getReloadDebounce() {
        return reloadDebounce.toJavaDuration();
    }

    public String getRulesDirectory() {
        return rulesDirectory;
    }

    public void setRulesDirectory(String rulesDirectory) {
        this.rulesDirectory = rulesDirectory;
    }

    public io.homeostat.service.engine.Projections.Settings projectionSettings() {
        return projections.settings();
    }

    public int getMaxBatch() {
        return maxBatch;
    }

    public Duration getTick() {
        return tick;
    }

    public Duration getDrainTimeout() {
        return drainTimeout;
    }

    /**
     * The engine thread on {@code rules}: it drains {@code inbox}, hands each batch's outputs to
     * {@code outputs}, restores its state through {@code restore} when it starts, keeps each batch
     * with {@code recorder}, and calls {@code whenDead} if it dies.
     */
    public Engine build(RuleBase rules, Inbox inbox, EngineOutputHandler outputs, Supplier<List<AvailableAction>> actions,
                        LongFunction<RestoredState> restore, ObjLongConsumer<List<Signal>> recorder, Thread.UncaughtExceptionHandler whenDead,
                        PolicySettings policy, List<WindowSchedule> windows, List<Dependency> dependencies, BaselineSink baselineSink,
                        MetricRegistry metrics) {
        return new Engine(rules, inbox, outputs, actions, restore, recorder, whenDead,
                new EngineSettings(maxBatch, tick.toJavaDuration(), drainTimeout.toJavaDuration(), maxIterationTime.toJavaDuration(),
                        policy, windows, baselines.settings(), baselines.checkpoint(), dependencies, projections.settings()), baselineSink, metrics);
    }
}
