package dev.cartwright.cart.store;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Context;
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
 * Owns the Redis connections of the cart store's hot path: one long-lived connection per event loop, on which every
 * command sent from that event loop is pipelined. A pooled {@link Redis} client holds a connection from the moment a
 * command is written until its reply arrives, so a pool of 16 allows 16 commands in flight however many requests
 * wait; on a lane a thousand concurrent cart changes are a thousand commands in flight, written and answered on the
 * caller's own event loop (no hop to another thread and back).
 *
 * <p>On a Redis Cluster ({@link #cluster}) a lane is one cluster connection: a connection to each node, every command
 * routed to its slot's node and pipelined there, MOVED and ASK followed by the client. Commands stay pipelined per
 * node, so a thousand changes in flight do not need a thousand connections to every node (which the pooled cluster
 * client would take, one to each node per command).
 *
 * <p>Callers off an event loop (start-up code, tests on their own thread) go through the pool of the same client.
 * A lane whose connection fails or ends is dropped and its connection closed (on a cluster: its connections to every
 * node, so a failed-over master does not leave the others held for good); the commands in flight on it fail (the
 * caller reports the store unavailable) and the next command from that event loop opens a new connection. Only commands that answer at once
 * belong here: a blocking read (XREADGROUP BLOCK) would hold up every command behind it, and pub/sub or MULTI would
 * change the connection's state for everyone sharing it.
 */
public final class PipelinedRedis implements Redis {

    /** Commands one lane keeps in flight before further sends fail fast ("waiting queue is full"). */
    public static final int DEFAULT_MAX_IN_FLIGHT = 8192;

    private static final Logger LOG = LoggerFactory.getLogger(PipelinedRedis.class);

    private final Redis client;
    private final ConcurrentMap<Thread, Lane> lanes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private PipelinedRedis(Redis client) {
        this.client = client;
    }

    /**
     * A client of its own with {@code options}; the pool (at least one connection per event loop, plus what off-loop
     * callers use) never recycles connections, since a lane holds its connection for good, and each connection keeps
     * at least {@link #DEFAULT_MAX_IN_FLIGHT} commands in flight.
     */
    public static PipelinedRedis create(Vertx vertx, RedisOptions options) {
        return new PipelinedRedis(Redis.createClient(vertx, laneOptions(options)));
    }

    /**
     * Lanes on a Redis Cluster ({@code options} of type CLUSTER): one cluster connection per event loop. Callers off an
     * event loop share a {@link ClusterRedis} of at most {@code permits} commands in progress, whose pools are sized for
     * those and for one connection per event loop held by the lanes ({@code eventLoops}).
     */
    public static PipelinedRedis cluster(Vertx vertx, RedisOptions options, int permits, int eventLoops) {
        return new PipelinedRedis(ClusterRedis.create(vertx, laneOptions(options), permits, eventLoops));
    }

    private static RedisOptions laneOptions(RedisOptions options) {
        return new RedisOptions(options).setPoolRecycleTimeout(-1)
            .setMaxWaitingHandlers(Math.max(options.getMaxWaitingHandlers(), DEFAULT_MAX_IN_FLIGHT));
    }

    @Override
    public Future<Response> send(Request command) {
        Lane lane = laneOfCurrentEventLoop();
        return lane == null ? client.send(command) : lane.send(command);
    }

    @Override
    public Future<List<Response>> batch(List<Request> commands) {
        Lane lane = laneOfCurrentEventLoop();
        return lane == null ? client.batch(commands) : lane.connection().compose(c -> c.batch(commands));
    }

    /** A connection of the caller's own (from the pool), for commands that must not share a lane. */
    @Override
    public Future<RedisConnection> connect() {
        return client.connect();
    }

    @Override
    public Future<Void> close() {
        closed = true;
        for (Lane lane : lanes.values()) {
            lane.close();
        }
        lanes.clear();
        return client.close();
    }

    /** The number of event loops that have a lane open (for tests and diagnostics). */
    public int openLanes() {
        return lanes.size();
    }

    private Lane laneOfCurrentEventLoop() {
        Context context = Vertx.currentContext();
        if (closed || context == null || !context.isEventLoopContext()) {
            return null;
        }
        Thread thread = Thread.currentThread();
        Lane lane = lanes.get(thread);
        if (lane == null) {
            lane = new Lane(thread, ((ContextInternal) context).unwrap());
            lanes.put(thread, lane);
        }
        return lane;
    }

    /** One event loop's connection. Touched only on that event loop, except by {@link #close()}. */
    private final class Lane {

        private final Thread thread;
        private final ContextInternal eventLoop;
        private RedisConnection connection;
        private Future<RedisConnection> opening;

        Lane(Thread thread, ContextInternal eventLoop) {
            this.thread = thread;
            this.eventLoop = eventLoop;
        }

        Future<Response> send(Request command) {
            RedisConnection open = connection;
            return open != null ? open.send(command) : connection().compose(c -> c.send(command));
        }

        Future<RedisConnection> connection() {
            if (connection != null) {
                return Future.succeededFuture(connection);
            }
            if (opening == null) {
                opening = open();
            }
            return opening;
        }

        /**
         * Opens the connection from the event loop's own context (not from the duplicated context of the request that
         * happened to come first), so the connection belongs to the event loop and keeps no request's state.
         */
        private Future<RedisConnection> open() {
            Promise<RedisConnection> opened = Promise.promise();
            eventLoop.runOnContext(v -> client.connect().onComplete(ar -> {
                if (ar.failed()) {
                    lanes.remove(thread, this);
                    opened.fail(ar.cause());
                    return;
                }
                RedisConnection c = ar.result();
                c.exceptionHandler(e -> {
                    LOG.warn("event=redis_lane_failed thread={} error=\"{}\"", thread.getName(), e.toString());
                    drop(c);
                });
                c.endHandler(end -> drop(c));
                if (closed) {
                    c.close();
                    opened.fail("the cart store's Redis client is closed");
                    return;
                }
                connection = c;
                opened.complete(c);
            }));
            return opened.future();
        }

        /**
         * Forgets this lane, so the event loop's next command opens a new connection, and closes the lane's connection
         * (returning what still works of it to the pool: on a cluster, the connections to the nodes that did not fail).
         */
        private void drop(RedisConnection c) {
            if (lanes.remove(thread, this)) {
                c.close();
            }
        }

        void close() {
            RedisConnection c = connection;
            if (c != null) {
                c.close();
            }
        }
    }
}
