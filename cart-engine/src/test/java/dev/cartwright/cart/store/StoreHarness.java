package dev.cartwright.cart.store;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.cartwright.testkit.Migrations;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * One test class's store on the shared servers: its own schema (checkout_db migrations applied), its own Redis key
 * prefix and stream, a pooled Redis client with several connections and a PostgreSQL pool searching that schema.
 */
final class StoreHarness implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);

    final Vertx vertx;
    final Redis redis;
    final Pool pool;
    final String schema;
    final CartStoreConfig config;
    final PgCartRepository repository;
    final PostgresInfo postgres;
    final RedisInfo redisInfo;

    private StoreHarness(Vertx vertx, Redis redis, Pool pool, String schema, CartStoreConfig config, PostgresInfo postgres,
                         RedisInfo redisInfo) {
        this.vertx = vertx;
        this.redis = redis;
        this.pool = pool;
        this.schema = schema;
        this.config = config;
        this.repository = new PgCartRepository(pool);
        this.postgres = postgres;
        this.redisInfo = redisInfo;
    }

    static StoreHarness open(PostgresInfo postgres, RedisInfo redisInfo, String name) {
        String schema = postgres.freshSchema(name);
        Migrations.apply(postgres, schema, "classpath:db/checkout_db");
        Vertx vertx = Vertx.vertx();
        Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisInfo.url())
            .setMaxPoolSize(16).setMaxPoolWaiting(4096));
        Pool pool = pool(vertx, postgres, schema);
        CartStoreConfig config = CartStoreConfig.defaults("test-consumer")
            .withKeyPrefix(redisInfo.keyPrefix())
            .withStreamKey(redisInfo.key("cart-changes"));
        return new StoreHarness(vertx, redis, pool, schema, config, postgres, redisInfo);
    }

    static Pool pool(Vertx vertx, PostgresInfo postgres, String schema) {
        PgConnectOptions connect = new PgConnectOptions()
            .setHost(postgres.host()).setPort(postgres.port()).setDatabase(postgres.database())
            .setUser(postgres.user()).setPassword(postgres.password())
            .setProperties(Map.of("search_path", schema));
        return PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(connect).using(vertx).build();
    }

    RedisCartStore store(Clock clock) {
        return await(RedisCartStore.create(vertx, redis, repository, config, clock));
    }

    RedisCartStore store(Clock clock, CartStoreConfig otherConfig) {
        return await(RedisCartStore.create(vertx, redis, repository, otherConfig, clock));
    }

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no answer within " + WAIT, e);
        }
    }

    @Override
    public void close() {
        await(pool.close());
        await(redis.close());
        await(vertx.close());
    }
}
