package io.homeostat.service.kafka;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import io.homeostat.service.engine.EvaluationListener;
import io.homeostat.service.engine.RestoredState;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.inbox.EngineInput;
import io.homeostat.service.inbox.Inbox;
import io.homeostat.service.retry.Backoff;
import io.homeostat.service.retry.FailureLog;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's engine's share of the signals topic ({@code intake.mode: kafka}): a member of the
 * consumer group, it hands the records of its assigned partitions to the engine in order, so that a
 * resource's signals are evaluated by one session. A record's offset is committed only once the
 * engine evaluated it and the outbox put what that produced in the store ({@link Offsets}). On a
 * rebalance, partitions going away are first settled (evaluated, stored, committed, up to the drain
 * timeout) and their resources' facts leave the session; partitions coming in have their resources'
 * issues and gate state read from the store and adopted by the engine before any of their records.
 */
public final class KafkaFeed implements Managed, EvaluationListener {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaFeed.class);
    /** Reading the adopted state waits out a database fault however long it lasts: the partition's records wait behind it. */
    private static final Backoff ADOPT_RETRY = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofDays(36_500));
    /** Signals handed to the engine at once: well under any queue capacity, so that a batch fits once the engine took some. */
    private static final int CHUNK = 500;

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final KafkaRecords records;
    private final Inbox inbox;
    private final java.util.function.BooleanSupplier engineFull;
    private final LongSupplier queuedSeq;
    private final LongSupplier appliedSeq;
    private final BiFunction<BiPredicate<String, String>, List<Signal>, RestoredState> adopt;
    private final TopicHistory history;
    private final Duration drainTimeout;
    private final Offsets offsets = new Offsets();
    private final Set<Integer> assigned = ConcurrentHashMap.newKeySet();
    private volatile int partitionCount;
    private volatile boolean running;
    private volatile long lag;
    private final Meter consumed;
    private final Counter undecodable;
    private final Counter rebalances;
    private final Counter commitFailures;
    private final Counter reread;
    private final FailureLog failures = new FailureLog(LOG);
    private final Map<String, Boolean> loggedCauses = new ConcurrentHashMap<>();
    private Thread thread;

    /**
     * @param engineFull whether the engine's live signals fill their heap budget: nothing is handed over meanwhile
     * @param queuedSeq the outbox's last entry handed in; {@code appliedSeq} its last entry in the store
     * @param adopt reads from the store the state of the resources a test accepts, with their recent signals (StartupState.adopt)
     * @param history reads those recent signals back from the topic
     */
    public KafkaFeed(Consumer<String, byte[]> consumer, String topic, KafkaRecords records, Inbox inbox,
                     java.util.function.BooleanSupplier engineFull, LongSupplier queuedSeq,
                     LongSupplier appliedSeq, BiFunction<BiPredicate<String, String>, List<Signal>, RestoredState> adopt,
                     TopicHistory history, Duration drainTimeout, MetricRegistry metrics) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.records = Objects.requireNonNull(records, "records");
        this.inbox = Objects.requireNonNull(inbox, "inbox");
        this.engineFull = Objects.requireNonNull(engineFull, "engineFull");
        this.queuedSeq = Objects.requireNonNull(queuedSeq, "queuedSeq");
        this.appliedSeq = Objects.requireNonNull(appliedSeq, "appliedSeq");
        this.adopt = Objects.requireNonNull(adopt, "adopt");
        this.history = Objects.requireNonNull(history, "history");
        this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
        this.consumed = metrics.meter("homeostat.kafka.consumed");
        this.undecodable = metrics.counter("homeostat.kafka.undecodable");
        this.rebalances = metrics.counter("homeostat.kafka.rebalances");
        this.commitFailures = metrics.counter("homeostat.kafka.commit_failures");
        this.reread = metrics.counter("homeostat.kafka.reread");
        metrics.gauge("homeostat.kafka.partitions", () -> assigned::size);
        metrics.gauge("homeostat.kafka.uncommitted", () -> offsets::pending);
        metrics.gauge("homeostat.kafka.lag", () -> () -> lag);
    }

    /** Whether this replica's engine evaluates the resource now (its partition is assigned here). */
    public boolean owns(String tenant, String resource) {
        int count = partitionCount;
        return count > 0 && assigned.contains(Partitioning.partition(tenant, resource, count));
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::loop, "homeostat-kafka-feed");
        thread.start();
    }

    /** Stops reading; waits (up to the drain timeout) for what was handed to reach the store, commits it and leaves the group. */
    @Override
    public void stop() throws InterruptedException {
        running = false;
        consumer.wakeup();
        if (thread != null) {
            thread.join(drainTimeout.toMillis() + 10_000);
        }
    }

    /** On the engine thread: each signal and input of the batch is in the outbox's entries up to the last one handed in. */
    @Override
    public void evaluated(List<Signal> signals, List<EngineInput> inputs) {
        long seq = queuedSeq.getAsLong();
        for (Signal signal : signals) {
            offsets.evaluated(signal, seq);
        }
        for (EngineInput input : inputs) {
            offsets.evaluated(input, seq);
        }
    }

    private void loop() {
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            while (running) {
                ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(200));
                handOver(batch);
                commit(false);
                measureLag();
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("the Kafka feed stopped: this replica evaluates no more signals until it restarts", e);
            throw e;
        } finally {
            try {
                settle(assigned);
            } catch (RuntimeException | InterruptedException e) {
                LOG.warn("could not commit the last offsets at stop; the next owner reads those records again: {}", e.toString());
            }
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                // The broker away at stop: the group notices the member gone after its session timeout.
                LOG.warn("the Kafka consumer did not close cleanly: {}", e.toString());
            }
        }
    }

    private void handOver(ConsumerRecords<String, byte[]> batch) throws InterruptedException {
        List<Signal> signals = new ArrayList<>();
        long now = System.nanoTime();
        for (ConsumerRecord<String, byte[]> record : batch) {
            consumed.mark();
            KafkaRecords.Decoded decoded;
            try {
                decoded = records.decode(record.value(), now);
            } catch (IOException e) {
                undecodable.inc();
                offsets.skipped(record.partition(), record.offset());
                if (loggedCauses.size() < 1_000 && loggedCauses.putIfAbsent(String.valueOf(e.getMessage()), Boolean.TRUE) == null) {
                    LOG.error("skipped record {}-{}@{} (key {}): {} (homeostat.kafka.undecodable counts these; each cause is logged once)",
                            record.topic(), record.partition(), record.offset(), record.key(), e.getMessage());
                }
                continue;
            }
            if (decoded instanceof KafkaRecords.DecodedSignal signal) {
                offsets.handed(record.partition(), record.offset(), signal.signal());
                signals.add(signal.signal());
                if (signals.size() == CHUNK) {
                    offerSignals(signals);
                    signals = new ArrayList<>();
                }
            } else if (decoded instanceof KafkaRecords.DecodedAlert alert) {
                EngineInput.AlertNotice notice = new EngineInput.AlertNotice(List.of(alert.alert()));
                offsets.handed(record.partition(), record.offset(), notice);
                while (!inbox.offer(notice)) {
                    waitForRoom();
                }
            } else if (decoded instanceof KafkaRecords.DecodedOutcome outcome) {
                EngineInput.AttemptReport report = new EngineInput.AttemptReport(outcome.outcome());
                offsets.handed(record.partition(), record.offset(), report);
                inbox.submit(report);
            } else if (decoded instanceof KafkaRecords.DecodedInput input) {
                // An operator's answer or run sent by the replica whose API received it: stored there already.
                offsets.handed(record.partition(), record.offset(), input.input());
                inbox.submit(input.input());
            }
        }
        if (!signals.isEmpty()) {
            offerSignals(signals);
        }
    }

    private void offerSignals(List<Signal> signals) throws InterruptedException {
        // The broker holds the backlog: the engine's queue takes what it can, and the feed waits for room.
        while (engineFull.getAsBoolean() || !inbox.offerSignals(signals)) {
            waitForRoom();
        }
    }

    private void waitForRoom() throws InterruptedException {
        if (!running) {
            throw new InterruptedException("stopping while the engine's queue is full");
        }
        Thread.sleep(20);
    }

    private void commit(boolean sync) {
        Map<Integer, Long> next = offsets.committable(appliedSeq.getAsLong());
        if (next.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        next.forEach((partition, offset) -> commit.put(new TopicPartition(topic, partition), new OffsetAndMetadata(offset)));
        if (sync) {
            // Bounded: a broker that is away must not hold a rebalance or a stop for the client's minute.
            consumer.commitSync(commit, drainTimeout);
            return;
        }
        consumer.commitAsync(commit, (offsets, error) -> {
            if (error != null) {
                // The next commit covers these offsets too; until then a new owner would read them again (at-least-once).
                commitFailures.inc();
                failures.threw("committing Kafka offsets", error);
            }
        });
    }

    private void measureLag() {
        long total = 0;
        for (TopicPartition partition : consumer.assignment()) {
            total += consumer.currentLag(partition).orElse(0);
        }
        lag = total;
    }

    /** Waits (up to the drain timeout) until what was handed from these partitions is in the store, and commits it. */
    private void settle(Collection<Integer> partitions) throws InterruptedException {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        while (!offsets.settled(partitions) && System.nanoTime() < deadline) {
            commit(false);
            Thread.sleep(20);
        }
        commit(true);
    }

    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        Set<Integer> numbers = new TreeSet<>();
        partitions.forEach(partition -> numbers.add(partition.partition()));
        return numbers;
    }

    /** The resources of these partitions, at today's partition count. */
    private BiPredicate<String, String> resourcesOf(Set<Integer> partitions) {
        int count = partitionCount;
        return (tenant, resource) -> partitions.contains(Partitioning.partition(tenant, resource, count));
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Set<Integer> leaving = numbers(partitions);
            try {
                settle(leaving);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failures.threw("committing the offsets of revoked partitions " + leaving, e);
            }
            release(leaving, "revoked");
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                // Another member may own them already: nothing may be committed for them.
                release(numbers(partitions), "lost");
            }
        }

        private void release(Set<Integer> leaving, String how) {
            rebalances.inc();
            int left = offsets.forget(leaving);
            if (left > 0) {
                reread.inc(left);
                LOG.warn("partitions {} {} with {} records not yet in the store: their next owner reads them again", leaving, how, left);
            }
            BiPredicate<String, String> resources = resourcesOf(leaving);
            // Not settled in time (the engine or the database stalled): what still waits in the queue is the next owner's
            // to evaluate; evaluated here after the release, it would open state this engine no longer owns.
            int discarded = left == 0 ? 0 : inbox.signals().discard(signal -> resources.test(signal.getTenant(), signal.getResource()));
            if (discarded > 0) {
                LOG.warn("{} signals of partitions {} still waited for this engine: left to their next owner", discarded, leaving);
            }
            assigned.removeAll(leaving);
            inbox.submit(new EngineInput.Release("partitions " + leaving + " (" + how + ")", resources));
            LOG.info("partitions {} of {} {}: their resources' facts leave this engine", leaving, topic, how);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            rebalances.inc();
            Set<Integer> coming = numbers(partitions);
            partitionCount = consumer.partitionsFor(topic).size();
            BiPredicate<String, String> resources = resourcesOf(coming);
            // What their previous owner evaluated lately, so that their windows go on where it left them.
            List<Signal> recent = history.recent(committed(partitions), System.currentTimeMillis() - Signal.LIFETIME.toMillis());
            RestoredState state;
            try {
                state = ADOPT_RETRY.call("reading the state of partitions " + coming + " from the store", () -> adopt.apply(resources, recent),
                        e -> failures.threw("reading the state of adopted partitions from the store", e), () -> running);
            } catch (Backoff.GaveUp | InterruptedException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new WakeupException();
            }
            // Adopted first, owned after: a report that comes between goes through the partition, to this engine, after the state.
            inbox.submit(new EngineInput.Adopt("partitions " + coming, state.facts(), state.events()));
            assigned.addAll(coming);
            LOG.info("partitions {} of {} assigned ({} partitions in all): adopting {} facts of their resources (from the store, and "
                    + "{} recent signals read back from the topic)", coming, topic, partitionCount, state.facts().size(), recent.size());
        }

        /** The group's committed offsets of these partitions (those with none left out); none when the broker does not say in time. */
        private Map<Integer, Long> committed(Collection<TopicPartition> partitions) {
            Map<Integer, Long> offsets = new HashMap<>();
            try {
                consumer.committed(Set.copyOf(partitions), drainTimeout).forEach((partition, offset) -> {
                    if (offset != null) {
                        offsets.put(partition.partition(), offset.offset());
                    }
                });
            } catch (RuntimeException e) {
                LOG.warn("could not read the committed offsets of partitions {} ({}): their windows start empty", numbers(partitions),
                        e.toString());
            }
            return offsets;
        }
    }
}
