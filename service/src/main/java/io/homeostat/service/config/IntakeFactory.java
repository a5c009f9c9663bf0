package io.homeostat.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.homeostat.service.engine.SignalQueue;
import io.homeostat.service.intake.LagGate;
import io.homeostat.service.intake.LiveSignalGate;
import io.homeostat.service.intake.SignalParser;
import java.util.concurrent.TimeUnit;
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

    /**
     * How old a signal's time may be before it is rejected: older readings say nothing about now,
     * and a bound keeps nonsense (a year before the epoch) out of the engine's arithmetic.
     */
    @JsonProperty
    private Duration maxAge = Duration.hours(24);

    /**
     * How far evaluation may lag (the oldest accepted signal not yet evaluated) before intake answers
     * 503 with Retry-After: accepting more would only promise detections that come too late.
     */
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration maxEvaluationLag = Duration.seconds(30);

    /**
     * The most signals the engine may hold at once (each lives a signal's lifetime, 15 minutes);
     * at it, intake answers 503 until signals expire. 0: derived from the heap, 40% of it at 600
     * bytes a signal (measured: 449, docs/BENCHMARKS.md (g)), so that the live set cannot run the
     * JVM out of memory whatever the signal rate.
     */
    @Min(0)
    @JsonProperty
    private long maxLiveSignals = 0;

    /** The largest request body any endpoint reads; larger ones answer 413. */
    @JsonProperty
    private DataSize maxRequestBody = DataSize.mebibytes(8);

    /** JSON deeper than this is refused (400) before it is bound to anything. */
    @Min(4)
    @Max(1000)
    @JsonProperty
    private int maxJsonDepth = 32;

    public DataSize getMaxRequestBody() {
        return maxRequestBody;
    }

    public int getMaxJsonDepth() {
        return maxJsonDepth;
    }

    /** The signal parser with these bounds. */
    public SignalParser buildParser() {
        return new SignalParser(maxFutureSkew.toJavaDuration(), maxAge.toJavaDuration());
    }

    /** The live-signal bound in force: the configured one, or the one derived from the heap. */
    public long liveSignalBound(long maxHeapBytes) {
        return maxLiveSignals > 0 ? maxLiveSignals : Math.max(10_000, maxHeapBytes * 2 / 5 / 600);
    }

    /** The gate that refuses signals while the engine holds {@link #liveSignalBound} of them. */
    public LiveSignalGate buildLiveSignalGate(SignalQueue queue) {
        return new LiveSignalGate(queue, liveSignalBound(Runtime.getRuntime().maxMemory()));
    }

    /** The gate that refuses signals while evaluation lags beyond {@code maxEvaluationLag}. */
    public LagGate buildLagGate(SignalQueue queue) {
        return new LagGate(queue, maxEvaluationLag.toJavaDuration());
    }

    public Duration getMaxAge() {
        return maxAge;
    }

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
