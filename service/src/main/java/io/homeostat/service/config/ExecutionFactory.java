package io.homeostat.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code execution:} how many remediations run at once and how long each may take. */
public class ExecutionFactory {
    @Min(1)
    @Max(256)
    @JsonProperty
    private int maxConcurrent = 8;

    @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration actionTimeout = Duration.seconds(60);

    /** Per action id, overriding actionTimeout. */
    @JsonProperty
    private Map<String, Duration> actionTimeouts = new LinkedHashMap<>();

    public int getMaxConcurrent() {
        return maxConcurrent;
    }

    public java.time.Duration timeoutFor(String actionId) {
        Duration timeout = actionTimeouts.getOrDefault(actionId, actionTimeout);
        return java.time.Duration.ofMillis(timeout.toMilliseconds());
    }
}
