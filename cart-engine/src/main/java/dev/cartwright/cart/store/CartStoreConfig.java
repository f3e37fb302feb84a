package dev.cartwright.cart.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Names and timings of the cart store, its write-behind, stream trimming and abandonment sweeper. Tests isolate
 * themselves by giving each class its own key prefix, stream key and schema.
 *
 * @param keyPrefix prepended to every Redis key the store writes ("" in production)
 * @param streamKey the change stream (prefix not applied: give the full key)
 * @param writeBehindGroup the consumer group persisting carts to PostgreSQL
 * @param bridgeGroup the consumer group publishing cart events to Kafka; trimming waits for it too
 * @param consumerName this process's consumer name in the groups (unique per instance)
 * @param idleTtl a cart untouched this long leaves Redis (it stays in PostgreSQL)
 * @param idempotencyTtl how long the reply to a request with an idempotency key is remembered
 * @param batchSize entries the write-behind takes in at once, in reads of at most {@value WriteBehind#READ_AT_MOST} (behind, it
 *     gathers up to {@value WriteBehind#GATHER_READS} times as many into one batch)
 * @param readBlock how long one XREADGROUP waits for new entries
 * @param writeBehindPace the least time between the starts of two write-behind reads that found it caught up: under
 *     load a read then gathers several changes of the same cart, and only the newest state of each is written, so
 *     PostgreSQL sees one write per busy cart per pace instead of one per change (zero: read again at once)
 * @param claimMinIdle pending entries idle this long (their consumer presumably dead) are taken over
 * @param backoffInitial first wait after a failed write-behind batch, doubled per failure
 * @param backoffMax the longest wait between write-behind attempts
 * @param trimInterval how often the stream is trimmed below the oldest entry any group still needs
 * @param abandonAfter an ACTIVE cart idle this long is marked ABANDONED
 * @param sweepInterval how often the abandonment sweeper looks
 * @param sweepBatch how many carts one sweep marks at most
 * @param shards how many change streams the carts are spread over (1: the one stream {@code streamKey}); each has its
 *     own write-behind, Kafka bridge and trimmer
 * @param cluster whether Redis is a Redis Cluster: every script's keys must then share one hash slot, so the keys are
 *     laid out by shard (see {@link #sharded()}) even with one shard
 * @param replicaWait how many replicas must have a change before it is acknowledged, and how long to wait for them
 *     (WAIT after the script; none on one Redis by default, see {@link ReplicaWait})
 */
public record CartStoreConfig(
    String keyPrefix,
    String streamKey,
    String writeBehindGroup,
    String bridgeGroup,
    String consumerName,
    Duration idleTtl,
    Duration idempotencyTtl,
    int batchSize,
    Duration readBlock,
    Duration writeBehindPace,
    Duration claimMinIdle,
    Duration backoffInitial,
    Duration backoffMax,
    Duration trimInterval,
    Duration abandonAfter,
    Duration sweepInterval,
    int sweepBatch,
    int shards,
    boolean cluster,
    ReplicaWait replicaWait) {

    /**
     * Replicas that must hold a change before the store acknowledges it: after the script, WAIT {@code replicas}
     * {@code timeout} on the same connection to the same master. Redis replicates asynchronously, so without it a
     * master that fails right after answering takes the change with it when its replica is promoted. A WAIT that times
     * out leaves the outcome unknown (the change stands on the master, and may or may not survive a failover): the store
     * then answers unavailable, and a retry with the same idempotency key answers the change if it stood.
     *
     * @param replicas 0: no wait
     */
    public record ReplicaWait(int replicas, Duration timeout) {

        public static final ReplicaWait NONE = new ReplicaWait(0, Duration.ofSeconds(1));

        public ReplicaWait {
            if (replicas < 0) {
                throw new IllegalArgumentException("replicas must not be negative: " + replicas);
            }
            requirePositive(timeout, "replicaWait.timeout");
        }
    }

    public static final String DEFAULT_STREAM_KEY = "cartwright:cart-changes";
    /** How often the change stream is trimmed unless told otherwise; see {@link #defaults}. */
    public static final Duration DEFAULT_TRIM_INTERVAL = Duration.ofSeconds(1);

    public CartStoreConfig {
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        requireText(streamKey, "streamKey");
        requireText(writeBehindGroup, "writeBehindGroup");
        requireText(bridgeGroup, "bridgeGroup");
        requireText(consumerName, "consumerName");
        requirePositive(idleTtl, "idleTtl");
        requirePositive(idempotencyTtl, "idempotencyTtl");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1: " + batchSize);
        }
        requirePositive(readBlock, "readBlock");
        if (writeBehindPace == null || writeBehindPace.isNegative()) {
            throw new IllegalArgumentException("writeBehindPace must be zero or positive: " + writeBehindPace);
        }
        requirePositive(claimMinIdle, "claimMinIdle");
        requirePositive(backoffInitial, "backoffInitial");
        requirePositive(backoffMax, "backoffMax");
        requirePositive(trimInterval, "trimInterval");
        requirePositive(abandonAfter, "abandonAfter");
        requirePositive(sweepInterval, "sweepInterval");
        if (sweepBatch < 1) {
            throw new IllegalArgumentException("sweepBatch must be at least 1: " + sweepBatch);
        }
        Objects.requireNonNull(replicaWait, "replicaWait");
        if (shards < 1 || shards > ShardTags.MAX_SHARDS) {
            throw new IllegalArgumentException("shards must be between 1 and " + ShardTags.MAX_SHARDS + ": " + shards);
        }
    }

    /**
     * Production defaults: no prefix, 7 days idle TTL, 24 h idempotency, write-behind batches of up to 10 000 entries
     * (behind, a bigger batch holds more changes of each cart, all written once) read at most once a second when
     * caught up, 30 days to abandonment. The pace is what PostgreSQL pays for: in the benchmark's open-loop run
     * (1 000 requests a second on 1 000 carts, right after its capacity run) PostgreSQL used 0.7 of a core with 250 ms
     * and 0.2 with one second (BENCHMARKS.md); Redis holds the newest state meanwhile. The stream is trimmed every
     * {@link #DEFAULT_TRIM_INTERVAL}: one XTRIM frees every entry both groups are done with, and Redis does nothing else
     * meanwhile, so the interval bounds that stall (at 20 000 changes a second, 30 ms every 10 s, about 3 ms every second).
     */
    public static CartStoreConfig defaults(String consumerName) {
        return new CartStoreConfig("", DEFAULT_STREAM_KEY, "write-behind", "kafka-bridge", consumerName,
            Duration.ofDays(7), Duration.ofHours(24), 10_000, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofMillis(100), Duration.ofSeconds(10), DEFAULT_TRIM_INTERVAL, Duration.ofDays(30),
            Duration.ofMinutes(5), 500, 1, false, ReplicaWait.NONE);
    }

    public CartStoreConfig withKeyPrefix(String prefix) {
        return new CartStoreConfig(prefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, idleTtl, idempotencyTtl,
            batchSize, readBlock, writeBehindPace, claimMinIdle, backoffInitial, backoffMax,
            trimInterval, abandonAfter, sweepInterval, sweepBatch, shards, cluster, replicaWait);
    }

    public CartStoreConfig withStreamKey(String key) {
        return new CartStoreConfig(keyPrefix, key, writeBehindGroup, bridgeGroup, consumerName, idleTtl, idempotencyTtl,
            batchSize, readBlock, writeBehindPace, claimMinIdle, backoffInitial, backoffMax,
            trimInterval, abandonAfter, sweepInterval, sweepBatch, shards, cluster, replicaWait);
    }

    public CartStoreConfig withConsumerName(String name) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, name, idleTtl, idempotencyTtl,
            batchSize, readBlock, writeBehindPace, claimMinIdle, backoffInitial, backoffMax,
            trimInterval, abandonAfter, sweepInterval, sweepBatch, shards, cluster, replicaWait);
    }

    public CartStoreConfig withIdleTtl(Duration ttl) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, ttl, idempotencyTtl,
            batchSize, readBlock, writeBehindPace, claimMinIdle, backoffInitial, backoffMax,
            trimInterval, abandonAfter, sweepInterval, sweepBatch, shards, cluster, replicaWait);
    }

    public CartStoreConfig withIdempotencyTtl(Duration ttl) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, idleTtl, ttl,
            batchSize, readBlock, writeBehindPace, claimMinIdle, backoffInitial, backoffMax,
            trimInterval, abandonAfter, sweepInterval, sweepBatch, shards, cluster, replicaWait);
    }

    public CartStoreConfig withBatchSize(int size) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, idleTtl, idempotencyTtl,
            size, readBlock, writeBehindPace, claimMinIdle, backoffInitial, backoffMax,
            trimInterval, abandonAfter, sweepInterval, sweepBatch, shards, cluster, replicaWait);
    }

    public CartStoreConfig withWriteBehindPace(Duration pace) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, idleTtl, idempotencyTtl,
            batchSize, readBlock, pace, claimMinIdle, backoffInitial, backoffMax, trimInterval, abandonAfter, sweepInterval, sweepBatch,
            shards, cluster, replicaWait);
    }

    public CartStoreConfig withClaimMinIdle(Duration minIdle) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, idleTtl, idempotencyTtl,
            batchSize, readBlock, writeBehindPace, minIdle, backoffInitial, backoffMax,
            trimInterval, abandonAfter, sweepInterval, sweepBatch, shards, cluster, replicaWait);
    }

    public CartStoreConfig withBackoff(Duration initial, Duration max) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, idleTtl, idempotencyTtl,
            batchSize, readBlock, writeBehindPace, claimMinIdle, initial, max, trimInterval, abandonAfter, sweepInterval, sweepBatch,
            shards, cluster, replicaWait);
    }

    public CartStoreConfig withTrimInterval(Duration interval) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, idleTtl, idempotencyTtl,
            batchSize, readBlock, writeBehindPace, claimMinIdle, backoffInitial, backoffMax,
            interval, abandonAfter, sweepInterval, sweepBatch, shards, cluster, replicaWait);
    }

    public CartStoreConfig withAbandonment(Duration after, Duration interval, int batch) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, idleTtl, idempotencyTtl,
            batchSize, readBlock, writeBehindPace, claimMinIdle, backoffInitial, backoffMax, trimInterval, after, interval, batch,
            shards, cluster, replicaWait);
    }

    /**
     * The same settings over {@code count} change streams, on a Redis Cluster or not ({@code cluster}). One shard on a
     * single Redis keeps the layout of before there were shards, so the carts of an upgraded store stay readable.
     */
    public CartStoreConfig withShards(int count, boolean clusterMode) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, idleTtl, idempotencyTtl,
            batchSize, readBlock, writeBehindPace, claimMinIdle, backoffInitial, backoffMax, trimInterval, abandonAfter,
            sweepInterval, sweepBatch, count, clusterMode, replicaWait);
    }

    /** The same settings, acknowledging a change only once {@code wait} replicas hold it. */
    public CartStoreConfig withReplicaWait(ReplicaWait wait) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, idleTtl, idempotencyTtl,
            batchSize, readBlock, writeBehindPace, claimMinIdle, backoffInitial, backoffMax, trimInterval, abandonAfter,
            sweepInterval, sweepBatch, shards, cluster, wait);
    }

    /**
     * Whether keys carry their shard's hash tag: on a Redis Cluster, or with more than one shard. Then a cart's hash,
     * its idempotency records, its shard's change stream and idempotency counters share the shard's tag, hence one
     * hash slot, so cart-mutate.lua touches one slot; a customer's index entry is in the customer's shard. Otherwise
     * (one shard on one Redis) the keys are those of before: {cart:<id>}, the one stream, customer-cart:{<customer>}.
     */
    public boolean sharded() {
        return cluster || shards > 1;
    }

    /** The shard of a cart or a customer: CRC16 of the id (as Redis hashes keys), modulo the shards. */
    public int shardOf(String id) {
        return shards == 1 ? 0 : HashSlots.crc16(id) % shards;
    }

    private String tag(int shard) {
        return "{" + ShardTags.of(shards).get(shard) + "}";
    }

    /** The change stream of one shard: {@code streamKey} itself when not sharded. */
    public String streamKey(int shard) {
        return sharded() ? streamKey + ":" + tag(shard) : streamKey;
    }

    /** The change stream the cart's changes go to. */
    public String streamKeyOf(String cartId) {
        return streamKey(shardOf(cartId));
    }

    /** Every change stream, by shard. */
    public List<String> streamKeys() {
        List<String> keys = new ArrayList<>(shards);
        for (int shard = 0; shard < shards; shard++) {
            keys.add(streamKey(shard));
        }
        return keys;
    }

    /**
     * These settings as the readers of one shard's stream see them: {@link #streamKey()} is that stream (for the
     * write-behind, the Kafka bridge and the trimmer of the shard); every other key is named as before.
     */
    public CartStoreConfig forStream(int shard) {
        if (!sharded()) {
            return this;
        }
        return new CartStoreConfig(keyPrefix, streamKey(shard), writeBehindGroup, bridgeGroup, consumerName, idleTtl, idempotencyTtl,
            batchSize, readBlock, writeBehindPace, claimMinIdle, backoffInitial, backoffMax, trimInterval, abandonAfter,
            sweepInterval, sweepBatch, shards, cluster, replicaWait);
    }

    /** The hash holding a cart's state. The hash tag keeps every key of one cart in one Redis Cluster slot. */
    public String cartKey(String cartId) {
        return sharded() ? keyPrefix + tag(shardOf(cartId)) + "cart:" + cartId : keyPrefix + "{cart:" + cartId + "}";
    }

    /** What a request with an idempotency key left behind: its fingerprint and the version it made (cart-mutate.lua). */
    public String idempotencyKey(String cartId, String requestKey) {
        return cartKey(cartId) + ":idem:" + requestKey;
    }

    /** How many idempotency keys were stored in one hour (epoch millis / 1 h) in shard 0; kept a little past the key TTL. */
    public String idempotencyCountKey(long hour) {
        return idempotencyCountKey(hour, 0);
    }

    /** How many idempotency keys one shard stored in one hour (epoch millis / 1 h); kept a little past the key TTL. */
    public String idempotencyCountKey(long hour, int shard) {
        return sharded() ? keyPrefix + tag(shard) + "idem-keys:" + hour : keyPrefix + "idem-keys:" + hour;
    }

    /** A guest cart's create request (scoped key) → "cart id|request fingerprint". */
    public String createRequestKey(String requestKey) {
        return keyPrefix + "cart-create:{" + requestKey + "}";
    }

    /** Customer id → the customer's ACTIVE cart id (a hint, checked against the cart on every read). */
    public String customerIndexKey(String customerId) {
        return sharded() ? keyPrefix + tag(shardOf(customerId)) + "customer-cart:" + customerId
            : keyPrefix + "customer-cart:{" + customerId + "}";
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration: " + value);
        }
    }
}
