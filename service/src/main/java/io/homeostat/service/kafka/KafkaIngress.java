package io.homeostat.service.kafka;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.dropwizard.lifecycle.Managed;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.inbox.EngineInput;
import io.homeostat.service.inbox.Ingress;
import io.homeostat.service.retry.FailureLog;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiPredicate;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Intake's way in with {@code intake.mode: kafka}: every signal and alert goes to the signals topic,
 * keyed by (tenant, resource), through an idempotent producer with {@code acks=all}, and the caller
 * hears "accepted" only once the broker acknowledged every record of its batch: accepted means
 * durable. An attempt's report whose resource another replica's engine owns travels the same way
 * to that engine (in order with the resource's signals); such a report is never dropped: it is sent
 * again until the broker takes it.
 */
public final class KafkaIngress implements Ingress, Managed {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaIngress.class);
    /** A forwarded input is sent again until the brokers take it (only its pace comes from here: it never gives up while running). */
    private static final io.homeostat.service.retry.Backoff FORWARD_RETRY = new io.homeostat.service.retry.Backoff(
            Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofDays(36_500));
    private final Producer<String, byte[]> producer;
    private final String topic;
    private final KafkaRecords records;
    private final Duration sendTimeout;
    private final Meter produced;
    private final Counter failures;
    private final Timer acknowledged;
    private final Counter forwarded;
    private final Counter forwardRetries;
    private final FailureLog failureLog = new FailureLog(LOG);
    private final ScheduledExecutorService resend = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "homeostat-kafka-resend");
        thread.setDaemon(true);
        return thread;
    });
    private volatile BiPredicate<String, String> ownedHere = (tenant, resource) -> true;
    private volatile boolean running = true;

    public KafkaIngress(Producer<String, byte[]> producer, String topic, KafkaRecords records, Duration sendTimeout, MetricRegistry metrics) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.records = Objects.requireNonNull(records, "records");
        this.sendTimeout = Objects.requireNonNull(sendTimeout, "sendTimeout");
        this.produced = metrics.meter("homeostat.kafka.produced");
        this.failures = metrics.counter("homeostat.kafka.produce_failures");
        this.acknowledged = metrics.timer("homeostat.kafka.acknowledged");
        this.forwarded = metrics.counter("homeostat.kafka.reports_forwarded");
        this.forwardRetries = metrics.counter("homeostat.kafka.report_retries");
    }

    /** Which resources this replica's engine evaluates now (its assigned partitions); set by the feed. */
    public void ownedHere(BiPredicate<String, String> owned) {
        this.ownedHere = Objects.requireNonNull(owned, "owned");
    }

    @Override
    public boolean offerSignals(List<Signal> signals) throws Unavailable {
        List<ProducerRecord<String, byte[]>> batch = new ArrayList<>(signals.size());
        for (Signal signal : signals) {
            batch.add(new ProducerRecord<>(topic, Partitioning.key(signal.getTenant(), signal.getResource()), encode(() -> records.encode(signal))));
        }
        send(batch, "signals");
        return true;
    }

    @Override
    public boolean offerAlerts(EngineInput.AlertNotice notice) throws Unavailable {
        List<ProducerRecord<String, byte[]>> batch = new ArrayList<>(notice.alerts().size());
        for (EngineInput.AlertState alert : notice.alerts()) {
            batch.add(new ProducerRecord<>(topic, Partitioning.key(alert.tenant(), alert.resource()), encode(() -> records.encode(alert))));
        }
        send(batch, "alerts");
        return true;
    }

    /**
     * An input about one resource (the executor's report on an attempt, an operator's approval answer
     * or manual run): when another replica's engine owns the resource, it is sent to that engine through
     * the resource's partition (true); otherwise, or when it is of a kind that does not travel, it is
     * this engine's (false).
     */
    public boolean forwarded(String tenant, String resource, EngineInput input) {
        if (ownedHere.test(tenant, resource) || !KafkaRecords.travels(input)) {
            return false;
        }
        byte[] value;
        try {
            value = records.encode(input);
        } catch (IOException e) {
            // An input that cannot be written cannot be forwarded: this engine keeps it.
            LOG.error("could not encode {} for Kafka; keeping it here", input.getClass().getSimpleName(), e);
            return false;
        }
        forward(new ProducerRecord<>(topic, Partitioning.key(tenant, resource), value), 0);
        return true;
    }

    private void forward(ProducerRecord<String, byte[]> record, int attempt) {
        producer.send(record, (metadata, error) -> {
            if (error == null) {
                forwarded.inc();
                return;
            }
            forwardRetries.inc();
            // One cause logged once, whatever the resource: the key would make every resource a cause of its own.
            failureLog.threw("forwarding an input to the engine that owns its resource", error);
            if (running) {
                resend.schedule(() -> forward(record, attempt + 1), FORWARD_RETRY.delay(attempt + 1).toMillis(), TimeUnit.MILLISECONDS);
            } else {
                LOG.error("stopping: an input about {} was not forwarded; the engine that owns it learns what the store holds when "
                        + "it next adopts the resource", record.key());
            }
        });
    }

    private void send(List<ProducerRecord<String, byte[]>> batch, String what) throws Unavailable {
        long deadline = System.nanoTime() + sendTimeout.toNanos();
        Timer.Context timing = acknowledged.time();
        List<Future<RecordMetadata>> sent = new ArrayList<>(batch.size());
        try {
            for (ProducerRecord<String, byte[]> record : batch) {
                sent.add(producer.send(record));
            }
            for (Future<RecordMetadata> future : sent) {
                future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException e) {
            failures.inc();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw notInTime(what, cause);
            }
            throw new Unavailable("the Kafka brokers refused the " + what + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
        } catch (TimeoutException | org.apache.kafka.common.KafkaException e) {
            failures.inc();
            throw notInTime(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while waiting for the Kafka broker", e);
        } finally {
            timing.stop();
        }
        produced.mark(batch.size());
    }

    private Unavailable notInTime(String what, Throwable cause) {
        return new Unavailable("the Kafka brokers did not acknowledge the " + what + " within " + sendTimeout.toMillis() + " ms ("
                + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")", cause);
    }

    private interface Encoding {
        byte[] encode() throws IOException;
    }

    private static byte[] encode(Encoding encoding) {
        try {
            return encoding.encode();
        } catch (IOException e) {
            // Plain values intake already validated: failing to write them is a bug, not bad input.
            throw new IllegalStateException("could not encode a record for Kafka", e);
        }
    }

    @Override
    public void start() {
    }

    /** Sends what the producer holds (up to the send timeout) and closes it; after the engine and the executor stopped. */
    @Override
    public void stop() {
        running = false;
        resend.shutdownNow();
        producer.close(sendTimeout);
    }
}
