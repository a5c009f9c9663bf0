package io.homeostat.service.kafka;

import io.homeostat.service.engine.facts.Signal;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recent signals of partitions this engine takes over, read back from the topic: the readings
 * their previous owner evaluated in the last {@link Signal#LIFETIME}, so that a resource's windows
 * ("three failures in five minutes") move with it instead of starting empty, as a restart reads
 * them back from the recording. Read with a consumer of its own outside the group (it commits
 * nothing), from the first record of the period up to the group's committed offset, where the feed
 * goes on. Bounded by a number of signals (the newest are kept); a broker that does not answer
 * within the timeout costs the history, not the adoption: the windows then start with what was read.
 */
public final class TopicHistory {
    private static final Logger LOG = LoggerFactory.getLogger(TopicHistory.class);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final String topic;
    private final KafkaRecords records;
    private final int limit;
    private final Duration timeout;
    private final com.codahale.metrics.Counter incomplete;

    /**
     * @param consumers builds a consumer outside the group (no group id, no commits), closed after each read
     * @param limit the most signals one adoption reads back (per partition, the newest of them)
     * @param incomplete counts the adoptions whose history could not be read back whole (homeostat.kafka.history_incomplete)
     */
    public TopicHistory(Supplier<Consumer<String, byte[]>> consumers, String topic, KafkaRecords records, int limit, Duration timeout,
                        com.codahale.metrics.Counter incomplete) {
        this.consumers = Objects.requireNonNull(consumers, "consumers");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.records = Objects.requireNonNull(records, "records");
        if (limit < 0) {
            throw new IllegalArgumentException("the history limit must not be negative, was " + limit);
        }
        this.limit = limit;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.incomplete = Objects.requireNonNull(incomplete, "incomplete");
    }

    /**
     * The signals of these partitions with offsets below {@code upTo}'s (the group's committed ones:
     * what the previous owner evaluated) and a time at or after {@code since}, in each partition's order.
     */
    public List<Signal> recent(Map<Integer, Long> upTo, long since) {
        List<Signal> signals = new ArrayList<>();
        if (upTo.isEmpty() || limit == 0) {
            return signals;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        int perPartition = Math.max(1, limit / upTo.size());
        try (Consumer<String, byte[]> consumer = consumers.get()) {
            Map<TopicPartition, Long> ends = new HashMap<>();
            upTo.forEach((partition, offset) -> ends.put(new TopicPartition(topic, partition), offset));
            consumer.assign(ends.keySet());
            Map<TopicPartition, Long> times = new HashMap<>();
            ends.keySet().forEach(partition -> times.put(partition, since));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(times, remaining(deadline));
            Set<TopicPartition> reading = new HashSet<>();
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                OffsetAndTimestamp start = starts.get(end.getKey());
                if (start == null || start.offset() >= end.getValue()) {
                    continue; // nothing in the period, or all of it still to be read by the feed
                }
                consumer.seek(end.getKey(), Math.max(start.offset(), end.getValue() - perPartition));
                reading.add(end.getKey());
            }
            consumer.pause(difference(ends.keySet(), reading));
            long now = System.nanoTime();
            while (!reading.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= ends.get(partition)) {
                        continue;
                    }
                    Signal signal = signal(record, now);
                    if (signal != null && signal.getTime() >= since) {
                        signals.add(signal);
                    }
                }
                for (TopicPartition partition : List.copyOf(reading)) {
                    if (consumer.position(partition, remaining(deadline)) >= ends.get(partition)) {
                        reading.remove(partition);
                        consumer.pause(List.of(partition));
                    }
                }
            }
            if (!reading.isEmpty()) {
                incomplete.inc();
                LOG.warn("read back only part of the recent signals of partitions {} within {} ms: their windows start with {} signals",
                        reading, timeout.toMillis(), signals.size());
            }
        } catch (RuntimeException e) {
            incomplete.inc();
            LOG.warn("could not read back the recent signals of partitions {} ({}): their windows start with {} signals", upTo.keySet(),
                    e.toString(), signals.size());
        }
        return signals;
    }

    /** A signal record's signal; null for the other kinds, and for a record the feed skipped as undecodable (and counted). */
    private Signal signal(ConsumerRecord<String, byte[]> record, long receivedNanos) {
        try {
            return records.decode(record.value(), receivedNanos) instanceof KafkaRecords.DecodedSignal decoded ? decoded.signal() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    private static Set<TopicPartition> difference(Set<TopicPartition> all, Set<TopicPartition> minus) {
        Set<TopicPartition> rest = new HashSet<>(all);
        rest.removeAll(minus);
        return rest;
    }
}
