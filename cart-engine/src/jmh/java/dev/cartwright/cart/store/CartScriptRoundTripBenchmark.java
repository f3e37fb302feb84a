package dev.cartwright.cart.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartCommand.AddItem;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.pricing.CartLimits;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * One cart change end to end through the store, as the service makes it: {@link RedisCartStore#apply} of an AddItem
 * (request encoding, one EVALSHA of cart-mutate.lua on the local Redis, the packed reply decoded into a cart), issued
 * from an event loop with {@code inFlight} changes outstanding at once, on carts spread over many keys.
 *
 * <p>Each benchmark call is one round: {@code inFlight} changes sent together, the call returns when all are answered.
 * The {@code mutations} counter is the figure to read (changes per second); the primary score counts rounds.
 * {@code client=pipelined} is the service's client ({@link PipelinedRedis}, one connection per event loop);
 * {@code client=pooled} a pooled client of 16 connections, which holds a connection per command until its reply.
 *
 * <p>Needs Redis at {@code -Dcartwright.redis=redis://127.0.0.1:6379} (the default). The carts live under a key prefix
 * of their own and are deleted, with their change stream, after each iteration. Nothing touches PostgreSQL: the carts
 * are hot for the whole run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CartScriptRoundTripBenchmark {

    private static final int CARTS = 1000;
    private static final int PRODUCTS = 5;
    private static final CartLimits LIMITS = new CartLimits(1, 1_000_000, 200);

    @Param({"1", "16", "256"})
    int inFlight;

    @Param({"pipelined", "pooled"})
    String client;

    private Vertx vertx;
    private Redis redis;
    private Pool unusedPool;
    private RedisCartStore store;
    private Context eventLoop;
    private CartStoreConfig config;
    private String[] cartIds;
    private AddItem[] adds;
    private int next;

    /** Changes answered, reported per second by JMH next to the rounds. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Changes {
        public long mutations;
    }

    @Setup(Level.Trial)
    public void setUp() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        RedisOptions options = new RedisOptions().setConnectionString(System.getProperty("cartwright.redis", "redis://127.0.0.1:6379"))
            .setMaxPoolSize(16).setMaxPoolWaiting(8192);
        redis = "pooled".equals(client) ? Redis.createClient(vertx, options) : PipelinedRedis.create(vertx, options);
        // The store wants a repository; a hot cart never needs it, so the pool is never asked for a connection.
        unusedPool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(new PgConnectOptions()).using(vertx).build();
        String prefix = "jmh-" + System.nanoTime() + ":";
        config = CartStoreConfig.defaults("jmh").withKeyPrefix(prefix).withStreamKey(prefix + "cart-changes");
        store = await(RedisCartStore.create(vertx, redis, new PgCartRepository(unusedPool), config, Clock.systemUTC()));
        eventLoop = vertx.getOrCreateContext();
        adds = new AddItem[PRODUCTS];
        for (int p = 0; p < PRODUCTS; p++) {
            adds[p] = new AddItem("sku-" + p, "cat-" + p, "Benchmark product " + p, 1, 1_999, LIMITS);
        }
    }

    @Setup(Level.Iteration)
    public void createCarts() {
        cartIds = new String[CARTS];
        List<Future<Cart>> created = new ArrayList<>();
        for (int i = 0; i < CARTS; i++) {
            cartIds[i] = "bench-" + i;
            created.add(store.createOrGetActive(cartIds[i], "", "USD", "US-CA", ""));
        }
        await(Future.all(created));
    }

    @TearDown(Level.Iteration)
    public void deleteCarts() {
        List<Future<?>> deleted = new ArrayList<>();
        for (String cartId : cartIds) {
            deleted.add(redis.send(Request.cmd(Command.DEL).arg(config.cartKey(cartId))));
        }
        deleted.add(redis.send(Request.cmd(Command.DEL).arg(config.streamKey())));
        await(Future.all(deleted));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        await(redis.close());
        await(unusedPool.close());
        await(vertx.close());
    }

    @Benchmark
    public void addItem(Changes changes) {
        CompletableFuture<Void> round = new CompletableFuture<>();
        eventLoop.runOnContext(v -> {
            List<Future<MutationResult>> sent = new ArrayList<>(inFlight);
            for (int i = 0; i < inFlight; i++) {
                int n = next++;
                sent.add(store.apply(Mutation.of(cartIds[Math.floorMod(n * 7919, CARTS)], adds[n % PRODUCTS])));
            }
            Future.all(sent).onComplete(ar -> {
                if (ar.failed()) {
                    round.completeExceptionally(ar.cause());
                    return;
                }
                for (Future<MutationResult> result : sent) {
                    if (!(result.result() instanceof MutationResult.Applied)) {
                        round.completeExceptionally(new IllegalStateException("a change was not applied: " + result.result()));
                        return;
                    }
                }
                round.complete(null);
            });
        });
        round.join();
        changes.mutations += inFlight;
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Redis did not answer (is it running at -Dcartwright.redis?): " + e, e);
        }
    }
}
