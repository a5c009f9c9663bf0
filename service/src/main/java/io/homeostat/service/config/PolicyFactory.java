package io.homeostat.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.homeostat.service.engine.facts.PolicySettings;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.concurrent.TimeUnit;

/** {@code policy:} the numbers the gate rules read, as a PolicySettings fact. */
public class PolicyFactory {
    @Min(0)
    @Max(10_000)
    @JsonProperty
    private int maxRemediationsPerResourcePerHour = 10;

    /**
     * How long evidence must stay clear before an issue resolves. Keep it at least as long as the
     * longest evidence window of the rules (2 minutes in the shipped rules).
     */
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration resolveQuietPeriod = Duration.minutes(2);

    public PolicySettings build() {
        return new PolicySettings(maxRemediationsPerResourcePerHour, resolveQuietPeriod.toMilliseconds());
    }
}
