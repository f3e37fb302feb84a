package dev.cartwright.cart.store;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * A Redis Cluster client that cannot deadlock its own pool. The Vert.x cluster client serves every command on a
 * connection to <em>each</em> node of the cluster, taken from that node's pool and held until the reply; under more
 * concurrent commands than a node's pool holds, command A holds the last connection of node 1 while it waits for one
 * of node 2, and command B the other way round, and no command ever completes (found by the bench at 1000 requests in
 * flight: every pool in use, commands queued, the service idle). Here at most {@code permits} commands hold
 * connections at once, and every node's pool is sized for them plus the connections held for good by the callers of
 * {@link #connect()} (the change-stream consumers, one each), so every command in progress gets all of its
 * connections. Further commands wait their turn in order.
 */
public final class ClusterRedis implements Redis {

    private final Redis client;
    private final int permits;
    private final AtomicInteger inProgress = new AtomicInteger();
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    ClusterRedis(Redis client, int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, was " + permits);
        }
        this.client = client;
        this.permits = permits;
    }

    /**
     * A cluster client on {@code options} that keeps at most {@code permits} commands in progress, with each node's pool
     * sized for them and for {@code heldConnections} connections taken by {@link #connect()} and kept.
     */
    public static ClusterRedis create(Vertx vertx, RedisOptions options, int permits, int heldConnections) {
        RedisOptions sized = new RedisOptions(options).setMaxPoolSize(permits + heldConnections + 1)
            .setMaxPoolWaiting(Math.max(options.getMaxPoolWaiting(), permits + heldConnections + 1));
        return new ClusterRedis(Redis.createClient(vertx, sized), permits);
    }

    /**
     * The connections a Checkout Service's background work holds for good on a cluster of {@code shards} streams: each
     * stream's write-behind and Kafka bridge one each, and two to spare, so a consumer that opens a new connection
     * after a failure does not wait for its old one to return to the pool.
     */
    public static int backgroundConnections(int shards) {
        return 2 * shards + 2;
    }

    /** Commands in progress now (for tests and diagnostics). */
    public int inProgress() {
        return inProgress.get();
    }

    @Override
    public Future<Response> send(Request command) {
        return gated(() -> client.send(command));
    }

    @Override
    public Future<List<Response>> batch(List<Request> commands) {
        return gated(() -> client.batch(commands));
    }

    /** A connection of the caller's own, held until it closes it: counted in the pools as one of the held ones. */
    @Override
    public Future<RedisConnection> connect() {
        return client.connect();
    }

    @Override
    public Future<Void> close() {
        return client.close();
    }

    private <T> Future<T> gated(Supplier<Future<T>> call) {
        ContextInternal context = (ContextInternal) Vertx.currentContext();
        Promise<T> answer = context == null ? Promise.promise() : context.promise();
        Runnable start = () -> {
            Future<T> result;
            try {
                result = call.get();
            } catch (RuntimeException e) {
                result = Future.failedFuture(e);
            }
            result.onComplete(done -> {
                inProgress.decrementAndGet();
                drain();
                answer.handle(done);
            });
        };
        waiting.add(context == null ? start : () -> context.runOnContext(v -> start.run()));
        drain();
        return answer.future();
    }

    /** Starts waiting commands while fewer than {@code permits} are in progress. */
    private void drain() {
        while (!waiting.isEmpty()) {
            int now = inProgress.get();
            if (now >= permits) {
                return;
            }
            if (!inProgress.compareAndSet(now, now + 1)) {
                continue;
            }
            Runnable next = waiting.poll();
            if (next == null) {
                inProgress.decrementAndGet();
                continue;
            }
            next.run();
        }
    }
}
