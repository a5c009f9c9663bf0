package io.homeostat.service.config;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.core.JsonFactory;
import io.homeostat.service.inbox.Inbox;
import io.homeostat.service.intake.Intake;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.homeostat.service.inbox.SignalQueue;
import io.homeostat.service.intake.LagGate;
import io.homeostat.service.intake.LiveSignalGate;
import io.homeostat.service.intake.SignalParser;
import java.util.concurrent.TimeUnit;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** {@code intake:} batch and queue limits. */
public class IntakeFactory {
    private static final Logger LOG = LoggerFactory.getLogger(IntakeFactory.class);

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

    /**
     * Alert notifications accepted but not yet handed to the rules; when full, the Alertmanager endpoint
     * answers 429 (Alertmanager retries). Operators' commands and the executor's reports are never refused.
     */
    @Min(1)
    @Max(1_000_000)
    @JsonProperty
    private int maxQueuedNotifications = 1_000;

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
     * The heap the engine's signals and resource views may take (estimated from their measured
     * costs, docs/BENCHMARKS.md (g)); at it, intake answers 503 until signals expire. Unset: derived
     * from the heap as the sizing rule has it (heap = 1.5 x held + 256 MB, docs/OPERATIONS.md), so that
     * the live set cannot run the JVM out of memory whatever the signal rate.
     */
    @JsonProperty
    private DataSize liveSignalBudget;

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

    /** The engine's inbox: signals up to {@code queueCapacity}, notifications up to {@code maxQueuedNotifications}. */
    public Inbox buildInbox() {
        return new Inbox(new SignalQueue(queueCapacity), maxQueuedNotifications);
    }

    /**
     * Signal intake into {@code inbox}, behind its two gates (evaluation lag, the live signals' heap
     * budget), whose gauges it registers; logs the budget in force at start-up.
     */
    public Intake build(Inbox inbox, JsonFactory json, MetricRegistry metrics) {
        LagGate lag = buildLagGate(inbox.signals());
        metrics.gauge("homeostat.engine.lag_seconds", () -> () -> lag.lag().toMillis() / 1000.0);
        LiveSignalGate live = buildLiveSignalGate(inbox.signals());
        metrics.gauge("homeostat.engine.live_signals", () -> live::signals);
        metrics.gauge("homeostat.engine.live_bytes", () -> live::heldBytes);
        long heap = Runtime.getRuntime().maxMemory();
        LOG.info("intake: the engine's signals may take {} MB of the {} MB heap (intake.liveSignalBudget, or derived from the heap)",
                live.budgetBytes() >> 20, heap >> 20);
        if (live.budgetBytes() > heap) {
            LOG.warn("intake.liveSignalBudget ({} MB) is larger than the heap ({} MB): a high enough signal rate runs the JVM out of "
                    + "memory before intake refuses", live.budgetBytes() >> 20, heap >> 20);
        }
        return new Intake(json, buildParser(), inbox, lag, live, Clock.systemUTC(), maxBatch, metrics);
    }

    /** The budget in force: the configured one, or the one derived from a heap of {@code maxHeapBytes}. */
    public long liveSignalBudget(long maxHeapBytes) {
        if (liveSignalBudget != null) {
            return Math.max(1, liveSignalBudget.toBytes());
        }
        return Math.max(16L << 20, (maxHeapBytes - (256L << 20)) * 2 / 3);
    }

    /** The gate that refuses signals while the engine holds {@link #liveSignalBudget} of heap in signals. */
    public LiveSignalGate buildLiveSignalGate(SignalQueue queue) {
        return new LiveSignalGate(queue, liveSignalBudget(Runtime.getRuntime().maxMemory()));
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
