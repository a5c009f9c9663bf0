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

    /** Where accepted signals go. */
    public enum Mode {
        /** This process's engine evaluates everything this process hears (the default). */
        EMBEDDED,
        /** To the Kafka topic; each replica's engine evaluates its partitions (docs/SCALE-OUT.md). */
        KAFKA
    }

    /** {@code embedded} (the default) or {@code kafka}. */
    @jakarta.validation.constraints.NotNull
    @JsonProperty
    private Mode mode = Mode.EMBEDDED;

    /** The topic and brokers when {@code mode} is {@code kafka}. */
    @jakarta.validation.Valid
    @jakarta.validation.constraints.NotNull
    @JsonProperty
    private KafkaFactory kafka = new KafkaFactory();

    public Mode mode() {
        return mode;
    }

    public KafkaFactory kafka() {
        return kafka;
    }

    /** With Kafka, the brokers must be named (checked when the configuration is read: one clear line, not a stack trace). */
    @io.dropwizard.validation.ValidationMethod(message = "with intake.mode: kafka, intake.kafka.bootstrapServers is required, and "
            + "intake.kafka.properties may not set acks, enable.idempotence, enable.auto.commit, group.id, isolation.level or the (de)serializers")
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isKafkaConfigured() {
        return mode != Mode.KAFKA || kafka.problem().isEmpty();
    }

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
     * Signal intake into {@code ingress} (the inbox, or Kafka), behind the gates of this engine (evaluation lag, the live signals' heap
     * budget), whose gauges it registers; logs the budget in force at start-up.
     */
    public Intake build(Inbox inbox, io.homeostat.service.inbox.Ingress ingress, JsonFactory json, MetricRegistry metrics) {
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
        return new Intake(json, buildParser(), ingress, inbox.signals(), lag, live, Clock.systemUTC(), maxBatch, metrics);
    }

    /** The two halves of intake.mode: kafka: the producer intake writes through, the consumer the engine reads from. */
    public record KafkaParts(io.homeostat.service.kafka.KafkaIngress ingress, io.homeostat.service.kafka.KafkaFeed feed) {
    }

    /**
     * With {@code mode: kafka}: creates the topic if asked to, and builds the producer and this replica's
     * consumer; attempt reports on resources another engine owns are routed through the topic from now on.
     * Empty on the embedded default.
     */
    public java.util.Optional<KafkaParts> buildKafka(com.fasterxml.jackson.databind.ObjectMapper json, String replicaId, Inbox inbox,
                                                     java.util.function.LongSupplier queuedSeq, java.util.function.LongSupplier appliedSeq,
                                                     java.util.function.BiFunction<java.util.function.BiPredicate<String, String>,
                                                             java.util.List<io.homeostat.service.engine.facts.Signal>,
                                                             io.homeostat.service.engine.RestoredState> adopt,
                                                     java.time.Duration drainTimeout, MetricRegistry metrics) throws Exception {
        if (mode != Mode.KAFKA) {
            return java.util.Optional.empty();
        }
        kafka.ensureTopic();
        io.homeostat.service.kafka.KafkaIngress ingress = kafka.buildIngress(json, replicaId, metrics);
        // The same heap budget as intake's: while the engine's signals fill it, the feed hands over nothing and the backlog
        // waits in the topic (consumer lag), instead of in the heap.
        LiveSignalGate live = buildLiveSignalGate(inbox.signals());
        // An adoption reads back at most a quarter of that budget's signals from the topic (the rest is for the live ones).
        int historyLimit = (int) Math.min(Integer.MAX_VALUE, live.signalCapacity() / 4);
        io.homeostat.service.kafka.KafkaFeed feed = kafka.buildFeed(json, replicaId, inbox, live::exceeded, queuedSeq, appliedSeq, adopt,
                historyLimit, drainTimeout, metrics);
        ingress.ownedHere(feed::owns);
        inbox.route(ingress::forwarded);
        LOG.info("intake.mode: kafka: signals go to topic {} at {}; this replica's engine evaluates the partitions the group assigns it",
                kafka.topic(), kafka.bootstrapServers().orElseThrow());
        return java.util.Optional.of(new KafkaParts(ingress, feed));
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
