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
 * <p>Callers off an event loop (start-up code, tests on their own thread) go through the pool of the same client. A
 * lane whose connection fails or ends is dropped and its connection closed (on a cluster: its connections to every
 * node, so a failed-over master does not leave the others held for good); the commands in flight on it fail (the
 * caller reports the store unavailable) and the next command from that event loop opens a new connection. The commands
 * a lane writes in one turn of its event loop leave in one write to the socket ({@link LaneFlushes}). Only commands
 * that answer at once belong here: a blocking read (XREADGROUP BLOCK) would hold up every command behind it, and
 * pub/sub or MULTI would change the connection's state for everyone sharing it.
 */
public final class PipelinedRedis implements Redis {

    /** Commands one lane keeps in flight before further sends fail fast ("waiting queue is full"). */
    public static final int DEFAULT_MAX_IN_FLIGHT = 8192;

    private static final Logger LOG = LoggerFactory.getLogger(PipelinedRedis.class);

    private final Redis client;
    private final int lanesPerLoop;
    private final ConcurrentMap<Thread, Lanes> lanes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private PipelinedRedis(Redis client, int lanesPerLoop) {
        if (lanesPerLoop < 1) {
            throw new IllegalArgumentException("lanes per event loop must be at least 1, was " + lanesPerLoop);
        }
        this.client = client;
        this.lanesPerLoop = lanesPerLoop;
    }

    /**
     * A client of its own with {@code options}; the pool (at least one connection per event loop, plus what off-loop
     * callers use) never recycles connections, since a lane holds its connection for good, and each connection keeps
     * at least {@link #DEFAULT_MAX_IN_FLIGHT} commands in flight.
     */
    public static PipelinedRedis create(Vertx vertx, RedisOptions options) {
        return new PipelinedRedis(Redis.createClient(vertx, laneOptions(options)), 1);
    }

    /**
     * As {@link #create(Vertx, RedisOptions)}, with {@code lanesPerLoop} connections per event loop taken in turn; the
     * pool holds the lanes of {@code eventLoops} event loops on top of its size for the callers off an event loop.
     */
    public static PipelinedRedis create(Vertx vertx, RedisOptions options, int eventLoops, int lanesPerLoop) {
        RedisOptions sized = laneOptions(options).setMaxPoolSize(options.getMaxPoolSize() + eventLoops * lanesPerLoop);
        return new PipelinedRedis(Redis.createClient(vertx, sized), lanesPerLoop);
    }

    /**
     * Lanes on a Redis Cluster ({@code options} of type CLUSTER): {@code lanesPerLoop} cluster connections per event loop,
     * taken in turn. One is enough without WAIT; with WAIT, a lane waits for replication at each change in turn (a
     * WAIT blocks its connection on the server), so changes waiting for replicas at once need lanes of their own. Callers
     * off an event loop share a {@link ClusterRedis} of at most {@code permits} commands in progress, whose pools are
     * sized for those and for the lanes of {@code eventLoops} event loops.
     */
    public static PipelinedRedis cluster(Vertx vertx, RedisOptions options, int permits, int eventLoops, int lanesPerLoop) {
        return new PipelinedRedis(ClusterRedis.create(vertx, laneOptions(options), permits, eventLoops * lanesPerLoop),
            lanesPerLoop);
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
        for (Lanes loop : lanes.values()) {
            loop.close();
        }
        lanes.clear();
        return client.close();
    }

    /** The number of lanes open, over all event loops (for tests and diagnostics). */
    public int openLanes() {
        int open = 0;
        for (Lanes loop : lanes.values()) {
            open += loop.open();
        }
        return open;
    }

    /** The connection of the calling event loop's next lane (for tests); fails off an event loop. */
    Future<RedisConnection> laneConnection() {
        Lane lane = laneOfCurrentEventLoop();
        return lane == null ? Future.failedFuture("not on an event loop") : lane.connection();
    }

    private Lane laneOfCurrentEventLoop() {
        Context context = Vertx.currentContext();
        if (closed || context == null || !context.isEventLoopContext()) {
            return null;
        }
        Thread thread = Thread.currentThread();
        Lanes loop = lanes.get(thread);
        if (loop == null) {
            loop = new Lanes(((ContextInternal) context).unwrap());
            lanes.put(thread, loop);
        }
        return loop.next();
    }

    /**
     * One event loop's lanes, taken in turn; a dropped lane is replaced when its turn comes. Touched only on that event
     * loop, except by {@link #close()} and {@link #openLanes()}.
     */
    private final class Lanes {

        private final ContextInternal eventLoop;
        private final Lane[] ring = new Lane[lanesPerLoop];
        private int turn;

        Lanes(ContextInternal eventLoop) {
            this.eventLoop = eventLoop;
        }

        Lane next() {
            int at = turn;
            turn = at + 1 == ring.length ? 0 : at + 1;
            Lane lane = ring[at];
            if (lane == null) {
                lane = new Lane(this, at, eventLoop);
                ring[at] = lane;
            }
            return lane;
        }

        int open() {
            int open = 0;
            for (Lane lane : ring) {
                if (lane != null) {
                    open++;
                }
            }
            return open;
        }

        void close() {
            for (Lane lane : ring) {
                if (lane != null) {
                    lane.close();
                }
            }
        }
    }

    /** One connection of an event loop. Touched only on that event loop, except by {@link #close()}. */
    private final class Lane {

        private final Lanes loop;
        private final int slot;
        private final ContextInternal eventLoop;
        private RedisConnection connection;
        private Future<RedisConnection> opening;

        Lane(Lanes loop, int slot, ContextInternal eventLoop) {
            this.loop = loop;
            this.slot = slot;
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
                    forget();
                    opened.fail(ar.cause());
                    return;
                }
                RedisConnection c = ar.result();
                c.exceptionHandler(e -> {
                    LOG.warn("event=redis_lane_failed thread={} error=\"{}\"", Thread.currentThread().getName(), e.toString());
                    drop(c);
                });
                c.endHandler(end -> drop(c));
                if (closed) {
                    c.close();
                    opened.fail("the cart store's Redis client is closed");
                    return;
                }
                LaneFlushes.consolidate(c);
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
            if (forget()) {
                c.close();
            }
        }

        /** Takes this lane out of its event loop's turn, if it is still there. */
        private boolean forget() {
            if (loop.ring[slot] != this) {
                return false;
            }
            loop.ring[slot] = null;
            return true;
        }

        void close() {
            RedisConnection c = connection;
            if (c != null) {
                c.close();
            }
        }
    }
}
