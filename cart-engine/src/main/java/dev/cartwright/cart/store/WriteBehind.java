package dev.cartwright.cart.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.cartwright.cart.Cart;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.DatabaseException;

/**
 * Persists hot carts to PostgreSQL behind the cart change stream: reads the stream in batches as one consumer of
 * the write-behind group, takes the newest entry of each cart in the batch (so a burst of changes to one cart becomes
 * one write of its newest version), writes the cart that entry carries in one transaction whose header upsert never
 * moves a version backwards, starts the idle TTL of what it stored, and only then acknowledges the entries. A crash
 * between write and acknowledgement repeats an idempotent write. Entries a dead consumer left pending are taken over
 * with XAUTOCLAIM; while PostgreSQL is down it backs off exponentially and catches up after. Reports its lag as gauges.
 *
 * <p>Why no acknowledged change is lost. Each entry carries the whole cart as the change left it (cart-mutate.lua packs
 * it once for its reply and for the entry), so what is written is exactly the acknowledged version, read from the
 * stream and not from the hash: a hash that left Redis before the write-behind got to it (PostgreSQL down for longer
 * than the idle TTL, an eviction, a DEL by hand) loses nothing, since the entry stays pending until PostgreSQL took the
 * cart. Versions are never handed out twice: a changed cart carries no TTL (the script PERSISTs it), and only after
 * this class stored a version does it start the idle TTL, and only if Redis still holds that very version
 * (cart-idle-ttl.lua). So a cart leaves Redis by expiry only when PostgreSQL has its newest state, and a read-through
 * never brings back an older copy while newer changes wait in the stream. Eviction is ruled out by the start-up check
 * of {@code maxmemory-policy noeviction}. What remains is a hash deleted by hand while
 * its changes wait (a read of that cart in between restores the older stored copy, and its next change reuses a
 * version) and a Redis that loses its data (the stream goes with it; production Redis runs with AOF).
 *
 * <p>Once caught up it reads at most once per {@link CartStoreConfig#writeBehindPace()}: a busy cart changed ten times
 * in that while is written once, which is most of what the write-behind (and PostgreSQL) would otherwise spend under
 * load. A backlog is read without pausing.
 */
public final class WriteBehind extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(WriteBehind.class);
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String CLAIM_START = "0-0";
    private static final long METRICS_INTERVAL_MS = 1_000;
    private final Redis redis;
    private final PgCartRepository repository;
    private final CartStoreConfig config;
    private final Clock clock;
    private final ChangeStream stream;
    private final AtomicLong pendingEntries = new AtomicLong();
    private final AtomicLong oldestPendingAgeSeconds = new AtomicLong();
    private final Counter cartsWritten;
    private final Counter entriesAcknowledged;
    private final Counter failedBatches;

    private final String idleTtlSeconds;
    private LuaScript readCart;
    private LuaScript startIdleTtl;
    private RedisConnection connection;
    private boolean stopping;
    private Promise<Void> stopped;
    /** The wait before the next read (a backoff after a failure, or the pace after a batch that caught up); -1 when none. */
    private long pauseTimer = -1;
    private long metricsTimer = -1;
    private int failures;
    private long lastClaimMillis;
    /** Where reading our own pending entries continues; null once they are done and new entries are read. */
    private String ownPendingFrom = "0";
    /** The XAUTOCLAIM cursor while a takeover is under way; null between takeovers. */
    private String claimCursor;
    /** Whether the last batch came from reading new entries (only such a read is paced; takeovers and re-reads are not). */
    private boolean lastReadWasNew;

    public WriteBehind(Redis redis, PgCartRepository repository, CartStoreConfig config, Clock clock, MeterRegistry registry) {
        this.redis = redis;
        this.repository = repository;
        this.config = config;
        this.clock = clock;
        this.stream = new ChangeStream(redis, config.streamKey());
        this.idleTtlSeconds = Long.toString(Math.max(1, config.idleTtl().toSeconds()));
        // Tagged by consumer too: two instances in one process must not share (and so hide) each other's meters.
        Tags tags = Tags.of("stream", config.streamKey(), "consumer", config.consumerName());
        Gauge.builder("cart.writebehind.pending", pendingEntries, AtomicLong::get)
            .description("Change-stream entries not yet persisted by the write-behind group (pending and undelivered)")
            .tags(tags).register(registry);
        Gauge.builder("cart.writebehind.oldest.age", oldestPendingAgeSeconds, AtomicLong::get)
            .description("Age in seconds of the oldest change-stream entry the write-behind has not persisted")
            .baseUnit("seconds").tags(tags).register(registry);
        this.cartsWritten = Counter.builder("cart.writebehind.carts.written").tags(tags).register(registry);
        this.entriesAcknowledged = Counter.builder("cart.writebehind.entries.acked").tags(tags).register(registry);
        this.failedBatches = Counter.builder("cart.writebehind.batch.failures").tags(tags).register(registry);
    }

    /** Entries the group has not acknowledged yet (delivered and pending, or not delivered), as of the last look. */
    public long pendingEntries() {
        return pendingEntries.get();
    }

    /** Age of the oldest entry not yet acknowledged, in seconds, as of the last look; 0 when caught up. */
    public long oldestPendingAgeSeconds() {
        return oldestPendingAgeSeconds.get();
    }

    @Override
    public Future<?> start() {
        stopped = Promise.promise();
        lastClaimMillis = clock.millis();
        return vertx.executeBlocking(() -> List.of(LuaScript.load("cart-read.lua"), LuaScript.load("cart-idle-ttl.lua")))
            .compose(scripts -> {
                readCart = scripts.get(0);
                startIdleTtl = scripts.get(1);
                return Future.all(readCart.preload(redis), startIdleTtl.preload(redis));
            })
            .compose(loaded -> stream.ensureGroup(config.writeBehindGroup()))
            .onSuccess(created -> {
                metricsTimer = vertx.setPeriodic(METRICS_INTERVAL_MS, tick -> refreshLag());
                context.runOnContext(go -> loop());
            });
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        vertx.cancelTimer(metricsTimer);
        if (pauseTimer >= 0 && vertx.cancelTimer(pauseTimer)) {
            pauseTimer = -1;
            stopped.tryComplete();
        }
        // A read blocked in XREADGROUP returns within readBlock; the loop then completes `stopped`.
        return stopped.future().eventually(() -> connection == null ? Future.succeededFuture() : connection.close());
    }

    private void loop() {
        if (stopping) {
            stopped.tryComplete();
            return;
        }
        long readStartNanos = System.nanoTime();
        int[] entriesRead = {0};
        connection().compose(this::nextBatch).compose(entries -> {
            entriesRead[0] = entries.size();
            return persist(entries);
        }).onComplete(done -> {
            if (done.succeeded()) {
                failures = 0;
                long pause = pauseMillis(entriesRead[0], readStartNanos);
                if (pause <= 0) {
                    loop();
                } else {
                    pauseTimer = vertx.setTimer(pause, fire -> {
                        pauseTimer = -1;
                        loop();
                    });
                }
                return;
            }
            failures++;
            failedBatches.increment();
            long delay = backoffMillis(config, failures);
            LOG.warn("write-behind batch failed (attempt {}), retrying in {} ms: {}", failures, delay, done.cause().toString());
            ownPendingFrom = "0";
            claimCursor = null;
            String message = done.cause().getMessage();
            if (message != null && message.startsWith("NOGROUP")) {
                // The stream or the group was deleted under us: make them again before the next read.
                stream.ensureGroup(config.writeBehindGroup());
            }
            if (connection != null && !(done.cause() instanceof DatabaseException)) {
                connection.close();
                connection = null;
            }
            if (stopping) {
                stopped.tryComplete();
                return;
            }
            pauseTimer = vertx.setTimer(delay, fire -> {
                pauseTimer = -1;
                loop();
            });
        });
    }

    /**
     * How long to wait before the next read: nothing while there is a backlog (a full batch, or pending entries still
     * being taken over or re-read), else what is left of the pace since this read started, so that under load one
     * read gathers several changes of a busy cart and writes its newest state once.
     */
    private long pauseMillis(int entriesRead, long readStartNanos) {
        if (!lastReadWasNew || entriesRead >= config.batchSize()) {
            return 0;
        }
        long elapsedMillis = (System.nanoTime() - readStartNanos) / 1_000_000;
        return config.writeBehindPace().toMillis() - elapsedMillis;
    }

    /** The wait after {@code failureCount} failures in a row: doubling from the initial wait, capped. */
    static long backoffMillis(CartStoreConfig config, int failureCount) {
        long initial = config.backoffInitial().toMillis();
        long max = config.backoffMax().toMillis();
        int doublings = Math.min(failureCount - 1, 30);
        return Math.min(max, initial << doublings);
    }

    private Future<RedisConnection> connection() {
        if (connection != null) {
            return Future.succeededFuture(connection);
        }
        // A connection of its own: XREADGROUP BLOCK would otherwise hold one of the pool's.
        return redis.connect().onSuccess(opened -> {
            connection = opened;
            opened.exceptionHandler(failure -> LOG.warn("write-behind Redis connection: {}", failure.toString()));
        });
    }

    /** Takeover of idle pending entries first (when due), then our own pending entries, then new ones. */
    private Future<List<StreamEntries.Entry>> nextBatch(RedisConnection redisConnection) {
        long now = clock.millis();
        lastReadWasNew = false;
        if (claimCursor == null && now - lastClaimMillis >= config.claimMinIdle().toMillis()) {
            claimCursor = CLAIM_START;
        }
        if (claimCursor != null) {
            lastClaimMillis = now;
            Request claim = Request.cmd(Command.XAUTOCLAIM).arg(config.streamKey()).arg(config.writeBehindGroup())
                .arg(config.consumerName()).arg(config.claimMinIdle().toMillis()).arg(claimCursor).arg("COUNT").arg(config.batchSize());
            return redisConnection.send(claim).map(reply -> {
                String next = reply.get(0).toString();
                claimCursor = CLAIM_START.equals(next) ? null : next;
                List<StreamEntries.Entry> claimed = StreamEntries.parseCartIds(reply.get(1));
                if (!claimed.isEmpty()) {
                    LOG.info("write-behind took over {} pending entries", claimed.size());
                }
                return claimed;
            });
        }
        if (ownPendingFrom != null) {
            return redisConnection.send(readGroup(ownPendingFrom, false)).map(reply -> {
                List<StreamEntries.Entry> entries = StreamEntries.parseReadGroupCartIds(reply);
                ownPendingFrom = entries.isEmpty() ? null : entries.get(entries.size() - 1).id();
                return entries;
            });
        }
        // Only the cart ids and the packed carts: the change records themselves are not needed here.
        lastReadWasNew = true;
        return redisConnection.send(readGroup(">", true)).map(StreamEntries::parseReadGroupCartIds);
    }

    private Request readGroup(String from, boolean block) {
        Request read = Request.cmd(Command.XREADGROUP).arg("GROUP").arg(config.writeBehindGroup()).arg(config.consumerName())
            .arg("COUNT").arg(config.batchSize());
        if (block) {
            read.arg("BLOCK").arg(config.readBlock().toMillis());
        }
        return read.arg("STREAMS").arg(config.streamKey()).arg(from);
    }

    /**
     * Writes the newest state of every cart named in the batch, as its newest entry carries it, starts the idle TTL of
     * each cart whose stored version is the one Redis holds, then acknowledges the entries written.
     */
    private Future<Void> persist(List<StreamEntries.Entry> entries) {
        if (entries.isEmpty()) {
            return Future.succeededFuture();
        }
        Map<String, StreamEntries.Entry> newest = new LinkedHashMap<>();
        for (StreamEntries.Entry entry : entries) {
            String cartId = entry.fields().get("cart_id");
            if (cartId != null) {
                newest.remove(cartId);
                newest.put(cartId, entry);
            }
        }
        if (newest.isEmpty()) {
            return acknowledge(entries, Set.of());
        }
        return cartsOf(newest).compose(carts -> repository.upsert(carts)
            .map(written -> {
                cartsWritten.increment(written.size());
                return Set.<String>of();
            })
            .recover(failure -> isUniqueViolation(failure) ? writeOneByOne(carts) : Future.failedFuture(failure))
            .compose(unwritten -> startIdleTtl(carts, unwritten).compose(started -> acknowledge(entries, unwritten))));
    }

    /**
     * The cart each newest entry carries. An entry written before the change records carried the cart has only its
     * id: that cart's newest state is read from its hash, and a cart no longer in Redis is passed over, as it was then.
     */
    private Future<List<StoredCart>> cartsOf(Map<String, StreamEntries.Entry> newest) {
        List<StoredCart> carts = new ArrayList<>(newest.size());
        List<String> withoutCart = new ArrayList<>();
        for (Map.Entry<String, StreamEntries.Entry> entry : newest.entrySet()) {
            byte[] packed = entry.getValue().packedCart();
            if (packed == null) {
                withoutCart.add(entry.getKey());
            } else {
                carts.add(CartHash.decodePacked(packed));
            }
        }
        if (withoutCart.isEmpty()) {
            return Future.succeededFuture(carts);
        }
        List<LuaScript.Invocation> reads = new ArrayList<>(withoutCart.size());
        for (String cartId : withoutCart) {
            reads.add(new LuaScript.Invocation(List.of(config.cartKey(cartId)), List.of()));
        }
        return readCart.callAll(connection, reads).map(replies -> {
            for (Response reply : replies) {
                StoredCart cart = CartHash.decodePacked(reply.toBytes());
                if (cart != null) {
                    carts.add(cart);
                }
            }
            return carts;
        });
    }

    /** Lets each stored cart expire after the idle TTL, unless Redis holds a newer version than the one stored. */
    private Future<Void> startIdleTtl(List<StoredCart> carts, Set<String> unwritten) {
        List<LuaScript.Invocation> calls = new ArrayList<>(carts.size());
        for (StoredCart stored : carts) {
            Cart cart = stored.cart();
            if (!unwritten.contains(cart.cartId())) {
                calls.add(new LuaScript.Invocation(List.of(config.cartKey(cart.cartId())),
                    List.of(Long.toString(cart.version()), idleTtlSeconds)));
            }
        }
        if (calls.isEmpty()) {
            return Future.succeededFuture();
        }
        return startIdleTtl.callAll(connection, calls).mapEmpty();
    }

    /**
     * A batch broke a uniqueness rule (a customer's new active cart arriving before the old one's end, written by
     * another consumer): write cart by cart, and leave the entries of carts that still fail pending, so a later
     * takeover retries them once the other write has landed.
     */
    private Future<Set<String>> writeOneByOne(List<StoredCart> carts) {
        Set<String> unwritten = new HashSet<>();
        Future<Void> chain = Future.succeededFuture();
        for (StoredCart cart : carts) {
            chain = chain.compose(previous -> repository.upsert(List.of(cart))
                .<Void>map(written -> {
                    cartsWritten.increment(written.size());
                    return null;
                })
                .recover(failure -> {
                    if (!isUniqueViolation(failure)) {
                        return Future.failedFuture(failure);
                    }
                    LOG.warn("write-behind: cart {} not written yet: {}", cart.cart().cartId(), failure.getMessage());
                    unwritten.add(cart.cart().cartId());
                    return Future.succeededFuture();
                }));
        }
        return chain.map(done -> unwritten);
    }

    private static boolean isUniqueViolation(Throwable failure) {
        return failure instanceof DatabaseException database && UNIQUE_VIOLATION.equals(database.getSqlState());
    }

    private Future<Void> acknowledge(List<StreamEntries.Entry> entries, Set<String> unwrittenCarts) {
        Request ack = Request.cmd(Command.XACK).arg(config.streamKey()).arg(config.writeBehindGroup());
        int count = 0;
        for (StreamEntries.Entry entry : entries) {
            if (!unwrittenCarts.contains(entry.fields().get("cart_id"))) {
                ack.arg(entry.id());
                count++;
            }
        }
        if (count == 0) {
            return Future.succeededFuture();
        }
        int acked = count;
        return connection.send(ack).map(reply -> {
            entriesAcknowledged.increment(acked);
            return null;
        });
    }

    /**
     * Looks up the group's lag for the gauges (done every second on its own), through the shared client: the
     * verticle's own connection may be blocked in XREADGROUP.
     */
    public Future<Void> refreshLag() {
        return stream.groups().compose(groups -> {
            ChangeStream.GroupState state = groups.get(config.writeBehindGroup());
            if (state == null) {
                return Future.succeededFuture();
            }
            pendingEntries.set(state.pending() + state.lag().orElse(0L));
            Future<Optional<String>> oldest = state.oldestPendingId().isPresent()
                ? Future.succeededFuture(state.oldestPendingId())
                : state.lag().orElse(0L) > 0 ? stream.firstAfter(state.lastDeliveredId()) : Future.succeededFuture(Optional.empty());
            return oldest.map(id -> {
                oldestPendingAgeSeconds.set(id.map(value -> Math.max(0, (clock.millis() - StreamEntries.millisOf(value)) / 1000))
                    .orElse(0L));
                return null;
            });
        }).<Void>mapEmpty().onFailure(failure -> LOG.debug("write-behind lag unknown: {}", failure.toString()));
    }
}
