package io.homeostat.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** {@code intake:} batch and queue limits. */
public class IntakeFactory {
    /** Largest batch one POST may carry; larger ones get 413. */
    @Min(1)
    @Max(100_000)
    @JsonProperty
    private int maxBatch = 5_000;

    /** Signals accepted but not yet evaluated; when full, intake answers 429. */
    @Min(1)
    @Max(10_000_000)
    @JsonProperty
    private int queueCapacity = 100_000;

    /** How far in the future a signal's time may be (clock skew) before it is rejected. */
    @JsonProperty
    private Duration maxFutureSkew = Duration.minutes(5);

    public int getMaxBatch() {
        return maxBatch;
    }

    public int getQueueCapacity() {
        return queueCapacity;
    }

    public Duration getMaxFutureSkew() {
        return maxFutureSkew;
    }
}
