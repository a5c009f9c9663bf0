package io.homeostat.service.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Which partition a (tenant, resource) lives in. The record key is {@code tenant/resource} (a
 * tenant name has no '/'), and the producer's built-in partitioner puts a keyed record in
 * {@code murmur2(key) mod partitions}; the same arithmetic here tells an engine which resources its
 * assigned partitions hold, so that it restores exactly those from the store on a rebalance.
 * (Kafka's own partitioner is not public API; the arithmetic is its documented contract, and
 * {@code KafkaIntegrationTest} checks it against the broker's answer.)
 */
public final class Partitioning {
    private Partitioning() {
    }

    /** The record key of a resource's signals, alerts and attempt reports. */
    public static String key(String tenant, String resource) {
        return tenant + "/" + resource;
    }

    /** The partition of {@code key} among {@code partitions}. */
    public static int partition(String key, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be positive");
        }
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    public static int partition(String tenant, String resource, int partitions) {
        return partition(key(tenant, resource), partitions);
    }
}
