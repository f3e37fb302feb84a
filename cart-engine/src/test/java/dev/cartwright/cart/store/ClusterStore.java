package dev.cartwright.cart.store;

import java.time.Clock;
import java.util.List;

import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RedisClusterNodes;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.sqlclient.Pool;

/**
 * One test class's cart store on the test JVM's Redis Cluster (testkit's {@link RedisClusterNodes}): a cluster client
 * (masters only, as the Checkout Service configures it), its own key prefix and streams, and its own PostgreSQL schema.
 */
final class ClusterStore implements AutoCloseable {

    final RedisClusterNodes cluster;
    final Vertx vertx;
    final Redis redis;
    /** The hot path's client, as the Checkout Service builds it: one pipelined cluster connection per event loop. */
    final PipelinedRedis lanes;
    final Pool pool;
    final PgCartRepository repository;
    final CartStoreConfig config;

    ClusterStore(PostgresInfo postgres, String name, int shards, CartStoreConfig.ReplicaWait wait) {
        this.cluster = RedisClusterNodes.shared();
        String schema = postgres.freshSchema(name);
        dev.cartwright.testkit.Migrations.apply(postgres, schema, "classpath:db/checkout_db");
        this.vertx = Vertx.vertx();
        // As the Checkout Service builds it: 16 commands in progress at most, the pools sized for them and for the
        // connections each stream's write-behind and Kafka bridge hold.
        this.redis = ClusterRedis.create(vertx, options(cluster.endpoints()), 16, ClusterRedis.backgroundConnections(shards));
        this.lanes = PipelinedRedis.cluster(vertx, options(cluster.endpoints()), 16, EVENT_LOOPS, 1);
        this.pool = StoreHarness.pool(vertx, postgres, schema);
        this.repository = new PgCartRepository(pool);
        String prefix = cluster.keyPrefix(name);
        this.config = CartStoreConfig.defaults(name).withKeyPrefix(prefix).withStreamKey(prefix + "cart-changes")
            .withShards(shards, true).withReplicaWait(wait);
    }

    /** Event loops of the test's Vert.x that may open a lane. */
    static final int EVENT_LOOPS = io.vertx.core.VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;

    static RedisOptions options(List<String> nodes) {
        RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER).setUseReplicas(RedisReplicas.NEVER)
            .setMaxPoolSize(16).setMaxPoolWaiting(4096);
        options.setEndpoints(nodes.stream().map(node -> "redis://" + node).toList());
        return options;
    }

    RedisCartStore store() {
        return StoreHarness.await(RedisCartStore.create(vertx, redis, repository, config, Clock.systemUTC()));
    }

    /** A store whose changes go through {@link #lanes} when sent from an event loop. */
    RedisCartStore laneStore(CartStoreConfig with) {
        return StoreHarness.await(RedisCartStore.create(vertx, lanes, repository, with, Clock.systemUTC()));
    }

    @Override
    public void close() {
        StoreHarness.await(pool.close());
        StoreHarness.await(lanes.close());
        StoreHarness.await(redis.close());
        StoreHarness.await(vertx.close());
    }
}
