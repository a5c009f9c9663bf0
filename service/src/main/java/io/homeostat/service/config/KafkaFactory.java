package io.homeostat.service.config;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.homeostat.service.engine.RestoredState;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.inbox.Inbox;
import io.homeostat.service.kafka.KafkaFeed;
import io.homeostat.service.kafka.KafkaIngress;
import io.homeostat.service.kafka.KafkaRecords;
import io.homeostat.service.kafka.TopicHistory;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code intake.kafka:} the signals topic when {@code intake.mode} is {@code kafka} (docs/SCALE-OUT.md).
 * What the service relies on is set here and cannot be overridden: an idempotent producer with
 * {@code acks=all}, offsets committed by the service (never automatically), the key and value formats.
 */
public class KafkaFactory {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaFactory.class);
    /** Client settings the service's guarantees rest on: {@code properties} may not change them. */
    static final List<String> FIXED = List.of(ProducerConfig.ACKS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.GROUP_ID_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG);

    /** host:port,host:port of the brokers. */
    @JsonProperty
    private String bootstrapServers;

    /** The topic every replica writes signals, alerts and forwarded attempt reports to, keyed by (tenant, resource). */
    @NotNull
    @Pattern(regexp = "[A-Za-z0-9._-]{1,249}", message = "must be a Kafka topic name: letters, digits, '.', '_', '-'")
    @JsonProperty
    private String topic = "homeostat.signals";

    /** The consumer group of the replicas' engines: one per deployment (a second deployment on the same brokers takes another). */
    @NotNull
    @Pattern(regexp = "[A-Za-z0-9._-]{1,249}", message = "letters, digits, '.', '_', '-'")
    @JsonProperty
    private String groupId = "homeostat";

    /** Whether the service creates the topic at start-up when it does not exist (with the two numbers below). */
    @JsonProperty
    private boolean createTopic = true;

    /** Partitions of a topic the service creates: the most replicas that can share the evaluation (docs/SCALE-OUT.md, sizing). */
    @Min(1)
    @Max(10_000)
    @JsonProperty
    private int partitions = 12;

    /** Copies of each partition on the brokers, for a topic the service creates; 3 with min.insync.replicas 2 in production. */
    @Min(1)
    @Max(16)
    @JsonProperty
    private short replicationFactor = 3;

    /** How long intake waits for the broker's acknowledgement before it answers 503 (not accepted, retry). */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration sendTimeout = Duration.seconds(10);

    /**
     * Further client settings for producer, consumer and admin client (TLS, SASL: {@code security.protocol},
     * {@code sasl.jaas.config}, ...). Use ${ENV} substitution for secrets; the clients do not log password values.
     */
    @NotNull
    @JsonProperty
    private Map<String, String> properties = new HashMap<>();

    public Optional<String> bootstrapServers() {
        return Optional.ofNullable(bootstrapServers).filter(servers -> !servers.isBlank());
    }

    public String topic() {
        return topic;
    }

    /** A settings problem, or empty; checked at start-up with {@code intake.mode: kafka}. */
    public Optional<String> problem() {
        if (bootstrapServers().isEmpty()) {
            return Optional.of("intake.kafka.bootstrapServers is required when intake.mode is kafka");
        }
        for (String fixed : FIXED) {
            if (properties.containsKey(fixed)) {
                return Optional.of("intake.kafka.properties may not set " + fixed + ": the service's guarantees rest on its own value");
            }
        }
        return Optional.empty();
    }

    private Properties common() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers().orElseThrow());
        props.putAll(properties);
        return props;
    }

    /** Creates the topic unless it exists (when {@code createTopic}); a failure names the cause and stops start-up. */
    public void ensureTopic() throws Exception {
        if (!createTopic) {
            return;
        }
        Properties props = common();
        int timeout = (int) Math.max(10_000, sendTimeout.toMilliseconds() * 3);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        try (Admin admin = Admin.create(props)) {
            if (admin.listTopics().names().get(timeout, TimeUnit.MILLISECONDS).contains(topic)) {
                return;
            }
            admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor))).all().get(timeout, TimeUnit.MILLISECONDS);
            LOG.info("created Kafka topic {} ({} partitions, replication factor {})", topic, partitions, replicationFactor);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create Kafka topic " + topic + " (" + partitions + " partitions, replication factor "
                        + replicationFactor + "): " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    /** The producer behind intake: idempotent, acks=all, lz4, a short linger so that a batch's records travel together. */
    public KafkaIngress buildIngress(ObjectMapper json, String replicaId, MetricRegistry metrics) {
        Properties props = common();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "homeostat-" + replicaId);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 2);
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        long timeout = sendTimeout.toMilliseconds();
        // delivery.timeout.ms must be at least linger + request timeout; a send blocks for metadata at most max.block.ms.
        props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1_000, timeout / 2));
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout, timeout / 2 + 1_000));
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        return new KafkaIngress(producer, topic, new KafkaRecords(json), sendTimeout.toJavaDuration(), metrics);
    }

    /**
     * The engine's consumer: a member of {@code groupId} on the group protocol of Kafka 4 (incremental
     * rebalances: a partition that stays is not revoked), committing offsets itself after the store.
     */
    public KafkaFeed buildFeed(ObjectMapper json, String replicaId, Inbox inbox, java.util.function.BooleanSupplier engineFull,
                               LongSupplier queuedSeq, LongSupplier appliedSeq,
                               BiFunction<BiPredicate<String, String>, List<Signal>, RestoredState> adopt, int historyLimit,
                               java.time.Duration drainTimeout, MetricRegistry metrics) {
        Properties props = common();
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "homeostat-" + replicaId);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        KafkaRecords records = new KafkaRecords(json);
        TopicHistory history = new TopicHistory(() -> historyConsumer(replicaId), topic, records, historyLimit, drainTimeout,
                metrics.counter("homeostat.kafka.history_incomplete"));
        return new KafkaFeed(consumer, topic, records, inbox, engineFull, queuedSeq, appliedSeq, adopt, history, drainTimeout, metrics);
    }

    /** Reads adopted partitions' recent signals back: outside the group (no group settings), committing nothing. */
    private Consumer<String, byte[]> historyConsumer(String replicaId) {
        Properties props = common();
        props.keySet().removeIf(key -> key.toString().startsWith("group."));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "homeostat-" + replicaId + "-history");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
