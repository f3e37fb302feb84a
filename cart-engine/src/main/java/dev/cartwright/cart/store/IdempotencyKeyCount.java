package dev.cartwright.cart.store;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Owns the figure of how many idempotency keys the store remembers, as the gauge
 * {@code cartwright.cart.idempotency.keys}. Each stored key is counted in a counter of the hour it was stored in
 * (cart-mutate.lua and a guest's create do it in the same step); the keys alive are about those counted in the hours
 * of one key TTL. Counting beats scanning: SCAN over every key would cost as much as the keyspace is large.
 */
public final class IdempotencyKeyCount extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeyCount.class);
    private static final long HOUR_MILLIS = Duration.ofHours(1).toMillis();
    private static final long REFRESH_MILLIS = Duration.ofSeconds(30).toMillis();

    private final Redis redis;
    private final CartStoreConfig config;
    private final Clock clock;
    private final AtomicLong keys = new AtomicLong();
    private long timer = -1;

    public IdempotencyKeyCount(Redis redis, CartStoreConfig config, Clock clock, MeterRegistry registry) {
        this.redis = redis;
        this.config = config;
        this.clock = clock;
        Gauge.builder("cartwright.cart.idempotency.keys", keys, AtomicLong::get)
            .description("Idempotency keys stored within one key TTL (counted per hour, so up to an hour's worth may have expired)")
            .register(registry);
    }

    static long hourOf(long epochMillis) {
        return epochMillis / HOUR_MILLIS;
    }

    @Override
    public Future<?> start() {
        timer = vertx.setPeriodic(0, REFRESH_MILLIS, tick -> count().onComplete(counted -> {
            if (counted.succeeded()) {
                keys.set(counted.result());
            } else {
                LOG.warn("event=idempotency_count_failed error=\"{}\"", counted.cause().toString());
            }
        }));
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        return Future.succeededFuture();
    }

    /** The keys counted in the hours of one TTL up to now, in every shard (one MGET per shard: one hash slot each). */
    public Future<Long> count() {
        long now = hourOf(clock.millis());
        long hours = Math.max(1, (config.idempotencyTtl().toMillis() + HOUR_MILLIS - 1) / HOUR_MILLIS);
        int shards = config.sharded() ? config.shards() : 1;
        List<Future<Long>> counts = new ArrayList<>(shards);
        for (int shard = 0; shard < shards; shard++) {
            Request mget = Request.cmd(Command.MGET);
            for (long hour = now - hours + 1; hour <= now; hour++) {
                mget.arg(config.idempotencyCountKey(hour, shard));
            }
            counts.add(redis.send(mget).map(IdempotencyKeyCount::sum));
        }
        return Future.all(counts).map(all -> counts.stream().mapToLong(Future::result).sum());
    }

    private static long sum(Response counters) {
        long total = 0;
        for (Response counter : counters) {
            if (counter != null) {
                total += counter.toLong();
            }
        }
        return total;
    }
}
