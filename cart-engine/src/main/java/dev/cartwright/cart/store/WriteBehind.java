package dev.cartwright.cart.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.store.ChangeStreamConsumer.BatchOutcome;
import dev.cartwright.cart.store.change.CartChange;
import dev.cartwright.cart.store.change.CartSnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.DatabaseException;

/**
 * Persists hot carts to PostgreSQL behind the cart change stream: reads the stream in batches as one consumer of
 * the write-behind group, takes the newest entry of each cart in the batch (so a burst of changes to one cart becomes
 * one write of its newest version), writes the cart that entry carries in one transaction whose header upsert never
 * moves a version backwards, starts the idle TTL of what it stored, and only then acknowledges the entries. A crash
 * between write and acknowledgement repeats an idempotent write. The reading (the batches, XAUTOCLAIM of what a dead
 * consumer left pending, XACK, the back-off while PostgreSQL is down, the pace, the lag gauges) is the
 * {@link ChangeStreamConsumer}'s; this class owns what a batch becomes in PostgreSQL.
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

    private final Redis redis;
    private final PgCartRepository repository;
    private final CartStoreConfig config;
    private final ChangeStreamConsumer consumer;
    private final Counter cartsWritten;
    private final String idleTtlSeconds;
    private LuaScript readCart;
    private LuaScript startIdleTtl;

    public WriteBehind(Redis redis, PgCartRepository repository, CartStoreConfig config, Clock clock, MeterRegistry registry) {
        this.redis = redis;
        this.repository = repository;
        this.config = config;
        this.idleTtlSeconds = Long.toString(Math.max(1, config.idleTtl().toSeconds()));
        // Tagged by consumer too: two instances in one process must not share (and so hide) each other's meters.
        Tags tags = Tags.of("stream", config.streamKey(), "consumer", config.consumerName());
        ChangeStreamConsumer.Settings settings = new ChangeStreamConsumer.Settings(config.streamKey(), config.writeBehindGroup(),
            config.consumerName(), config.batchSize(), config.readBlock(), config.writeBehindPace(), config.claimMinIdle(), true,
            config.backoffInitial(), config.backoffMax());
        ChangeStreamConsumer.Meters meters = new ChangeStreamConsumer.Meters("cart.writebehind.pending",
            "Change-stream entries not yet persisted by the write-behind group (pending and undelivered)", "cart.writebehind.oldest.age",
            "cart.writebehind.entries.acked", "cart.writebehind.batch.failures", tags);
        this.consumer = new ChangeStreamConsumer(redis, settings, clock, registry, meters, this::persist);
        this.cartsWritten = Counter.builder("cart.writebehind.carts.written").tags(tags).register(registry);
    }

    /** Entries the group has not acknowledged yet (delivered and pending, or not delivered), as of the last look. */
    public long pendingEntries() {
        return consumer.lag();
    }

    /** Age of the oldest entry not yet acknowledged, in seconds, as of the last look; 0 when caught up. */
    public long oldestPendingAgeSeconds() {
        return consumer.oldestAgeSeconds();
    }

    /** Looks up the group's lag now (the gauges do so every second on their own). */
    public Future<Void> refreshLag() {
        return consumer.refreshLag();
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> List.of(LuaScript.load("cart-read.lua"), LuaScript.load("cart-idle-ttl.lua")))
            .compose(scripts -> {
                readCart = scripts.get(0);
                startIdleTtl = scripts.get(1);
                return Future.all(readCart.preload(redis), startIdleTtl.preload(redis));
            })
            .compose(loaded -> {
                consumer.open(vertx);
                return consumer.startReading();
            });
    }

    @Override
    public Future<?> stop() {
        return consumer.close();
    }

    /** The wait after {@code failureCount} failures in a row: doubling from the initial wait, capped. */
    static long backoffMillis(CartStoreConfig config, int failureCount) {
        return ChangeStreamConsumer.backoffMillis(config.backoffInitial(), config.backoffMax(), failureCount);
    }

    /**
     * Writes the newest state of every cart named in the batch, as its newest entry carries it, starts the idle TTL of
     * each cart whose stored version is the one Redis holds; every entry is then done but those of carts that must
     * wait (see {@link #writeOneByOne}).
     */
    private Future<BatchOutcome> persist(List<CartChange> batch) {
        Map<String, CartChange> newest = new LinkedHashMap<>();
        for (CartChange change : batch) {
            if (!change.cartId().isEmpty()) {
                newest.put(change.cartId(), change);
            }
        }
        if (newest.isEmpty()) {
            return Future.succeededFuture(BatchOutcome.all(batch));
        }
        return cartsOf(newest).compose(carts -> repository.upsert(carts)
            .map(written -> {
                cartsWritten.increment(written.size());
                return Set.<String>of();
            })
            .recover(failure -> isUniqueViolation(failure) ? writeOneByOne(carts) : Future.failedFuture(failure))
            .compose(unwritten -> startIdleTtl(carts, unwritten).map(started -> done(batch, unwritten))));
    }

    private static BatchOutcome done(List<CartChange> batch, Set<String> unwrittenCarts) {
        List<String> handled = new ArrayList<>(batch.size());
        for (CartChange change : batch) {
            if (!unwrittenCarts.contains(change.cartId())) {
                handled.add(change.entryId());
            }
        }
        return new BatchOutcome.Done(handled);
    }

    /**
     * The cart each newest entry carries. An entry written before the change records carried the cart has only its
     * id: that cart's newest state is read from its hash, and a cart no longer in Redis is passed over, as it was then.
     */
    private Future<List<StoredCart>> cartsOf(Map<String, CartChange> newest) {
        List<StoredCart> carts = new ArrayList<>(newest.size());
        List<String> withoutCart = new ArrayList<>();
        for (CartChange change : newest.values()) {
            Optional<CartSnapshot> snapshot = change.cart();
            if (snapshot.isPresent()) {
                carts.add(snapshot.get().decode());
            } else if (!(change instanceof CartChange.Gone)) {
                withoutCart.add(change.cartId());
            }
        }
        if (withoutCart.isEmpty()) {
            return Future.succeededFuture(carts);
        }
        List<LuaScript.Invocation> reads = new ArrayList<>(withoutCart.size());
        for (String cartId : withoutCart) {
            reads.add(new LuaScript.Invocation(List.of(config.cartKey(cartId)), List.of()));
        }
        return readCart.callAll(redis, reads).map(replies -> {
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
        return startIdleTtl.callAll(redis, calls).mapEmpty();
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
}
