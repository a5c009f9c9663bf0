package io.homeostat.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.homeostat.service.engine.Baselines;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code engine.baselines:} which series learn their normal, and how (defaults: {@link Baselines.Settings#DEFAULTS}). */
public class BaselinesFactory {
    private static final Baselines.Settings DEFAULTS = Baselines.Settings.DEFAULTS;

    /** Metrics that have baselines; each costs about 100 bytes per resource that reports it. */
    @NotNull
    @Size(max = 64)
    @JsonProperty
    private List<String> metrics = DEFAULTS.metrics();

    @MinDuration(value = 1, unit = TimeUnit.MINUTES)
    @JsonProperty
    private Duration halfLife = Duration.milliseconds(DEFAULTS.halfLife().toMillis());

    @Min(1)
    @Max(100_000)
    @JsonProperty
    private int warmupSamples = DEFAULTS.warmupSamples();

    @DecimalMin("0.5")
    @JsonProperty
    private double clip = DEFAULTS.clip();

    @Min(0)
    @Max(100_000_000)
    @JsonProperty
    private int maxSeries = DEFAULTS.maxSeries();

    /** How often the baselines that changed are stored (a restart loses at most this much learning). */
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration checkpoint = Duration.minutes(5);

    public Baselines.Settings settings() {
        return new Baselines.Settings(metrics, halfLife.toJavaDuration(), warmupSamples, clip, maxSeries);
    }

    public java.time.Duration checkpoint() {
        return checkpoint.toJavaDuration();
    }
}
