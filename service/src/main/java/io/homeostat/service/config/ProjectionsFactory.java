package io.homeostat.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.homeostat.service.engine.Projections;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code engine.projections:} which series are projected for predictions (defaults: {@link Projections.Settings#DEFAULTS}). */
public class ProjectionsFactory {
    private static final Projections.Settings DEFAULTS = Projections.Settings.DEFAULTS;

    @NotNull
    @Size(max = 64)
    @JsonProperty
    private List<String> metrics = DEFAULTS.metrics();

    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration sampleEvery = Duration.milliseconds(DEFAULTS.sampleEvery().toMillis());

    @Min(3)
    @Max(1_000)
    @JsonProperty
    private int points = DEFAULTS.points();

    @Min(3)
    @Max(1_000)
    @JsonProperty
    private int minPoints = DEFAULTS.minPoints();

    @Min(0)
    @Max(100_000_000)
    @JsonProperty
    private int maxSeries = DEFAULTS.maxSeries();

    public Projections.Settings settings() {
        return new Projections.Settings(metrics, sampleEvery.toJavaDuration(), points, minPoints, maxSeries);
    }
}
