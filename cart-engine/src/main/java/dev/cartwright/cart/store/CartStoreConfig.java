package dev.cartwright.cart.store;

import java.time.Duration;
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
 * @param batchSize entries the write-behind reads at once
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
    int sweepBatch) {

    public static final String DEFAULT_STREAM_KEY = "cartwright:cart-changes";

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
    }

    /**
     * Production defaults: no prefix, 7 days idle TTL, 24 h idempotency, write-behind batches of up to 10 000 entries
     * (behind, a bigger batch holds more changes of each cart, all written once) read at most once a second when
     * caught up, 30 days to abandonment. The pace is what PostgreSQL pays for: in the benchmark's open-loop run
     * (1 000 requests a second on 1 000 carts, right after its capacity run) PostgreSQL used 0.7 of a core with 250 ms
     * and 0.2 with one second (BENCHMARKS.md); Redis holds the newest state meanwhile.
     */
    public static CartStoreConfig defaults(String consumerName) {
        return new CartStoreConfig("", DEFAULT_STREAM_KEY, "write-behind", "kafka-bridge", consumerName,
            Duration.ofDays(7), Duration.ofHours(24), 10_000, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofDays(30),
            Duration.ofMinutes(5), 500);
    }

    public CartStoreConfig withKeyPrefix(String prefix) {
        return new CartStoreConfig(prefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, idleTtl, idempotencyTtl,
            batchSize, readBlock, writeBehindPace, claimMinIdle, backoffInitial, backoffMax,
            trimInterval, abandonAfter, sweepInterval, sweepBatch);
    }

    public CartStoreConfig withStreamKey(String key) {
        return new CartStoreConfig(keyPrefix, key, writeBehindGroup, bridgeGroup, consumerName, idleTtl, idempotencyTtl,
            batchSize, readBlock, writeBehindPace, claimMinIdle, backoffInitial, backoffMax,
            trimInterval, abandonAfter, sweepInterval, sweepBatch);
    }

    public CartStoreConfig withConsumerName(String name) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, name, idleTtl, idempotencyTtl,
            batchSize, readBlock, writeBehindPace, claimMinIdle, backoffInitial, backoffMax,
            trimInterval, abandonAfter, sweepInterval, sweepBatch);
    }

    public CartStoreConfig withIdleTtl(Duration ttl) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, ttl, idempotencyTtl,
            batchSize, readBlock, writeBehindPace, claimMinIdle, backoffInitial, backoffMax,
            trimInterval, abandonAfter, sweepInterval, sweepBatch);
    }

    public CartStoreConfig withIdempotencyTtl(Duration ttl) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, idleTtl, ttl,
            batchSize, readBlock, writeBehindPace, claimMinIdle, backoffInitial, backoffMax,
            trimInterval, abandonAfter, sweepInterval, sweepBatch);
    }

    public CartStoreConfig withBatchSize(int size) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, idleTtl, idempotencyTtl,
            size, readBlock, writeBehindPace, claimMinIdle, backoffInitial, backoffMax,
            trimInterval, abandonAfter, sweepInterval, sweepBatch);
    }

    public CartStoreConfig withWriteBehindPace(Duration pace) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, idleTtl, idempotencyTtl,
            batchSize, readBlock, pace, claimMinIdle, backoffInitial, backoffMax, trimInterval, abandonAfter, sweepInterval, sweepBatch);
    }

    public CartStoreConfig withClaimMinIdle(Duration minIdle) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, idleTtl, idempotencyTtl,
            batchSize, readBlock, writeBehindPace, minIdle, backoffInitial, backoffMax,
            trimInterval, abandonAfter, sweepInterval, sweepBatch);
    }

    public CartStoreConfig withBackoff(Duration initial, Duration max) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, idleTtl, idempotencyTtl,
            batchSize, readBlock, writeBehindPace, claimMinIdle, initial, max, trimInterval, abandonAfter, sweepInterval, sweepBatch);
    }

    public CartStoreConfig withTrimInterval(Duration interval) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, idleTtl, idempotencyTtl,
            batchSize, readBlock, writeBehindPace, claimMinIdle, backoffInitial, backoffMax,
            interval, abandonAfter, sweepInterval, sweepBatch);
    }

    public CartStoreConfig withAbandonment(Duration after, Duration interval, int batch) {
        return new CartStoreConfig(keyPrefix, streamKey, writeBehindGroup, bridgeGroup, consumerName, idleTtl, idempotencyTtl,
            batchSize, readBlock, writeBehindPace, claimMinIdle, backoffInitial, backoffMax, trimInterval, after, interval, batch);
    }

    /** The hash holding a cart's state. The hash tag keeps every key of one cart in one Redis Cluster slot. */
    public String cartKey(String cartId) {
        return keyPrefix + "{cart:" + cartId + "}";
    }

    /** What a request with an idempotency key left behind: its fingerprint and the version it made (cart-mutate.lua). */
    public String idempotencyKey(String cartId, String requestKey) {
        return keyPrefix + "{cart:" + cartId + "}:idem:" + requestKey;
    }

    /** How many idempotency keys were stored in one hour (epoch millis / 1 h); kept a little past the key TTL. */
    public String idempotencyCountKey(long hour) {
        return keyPrefix + "idem-keys:" + hour;
    }

    /** A guest cart's create request (scoped key) → "cart id|request fingerprint". */
    public String createRequestKey(String requestKey) {
        return keyPrefix + "cart-create:{" + requestKey + "}";
    }

    /** Customer id → the customer's ACTIVE cart id (a hint, checked against the cart on every read). */
    public String customerIndexKey(String customerId) {
        return keyPrefix + "customer-cart:{" + customerId + "}";
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
