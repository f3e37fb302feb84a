package dev.cartwright.cart.store;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.store.ChangeStreamConsumer.BatchOutcome;
import dev.cartwright.cart.store.change.CartChange;
import dev.cartwright.cart.store.change.CartSnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
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
 * of {@code maxmemory-policy noeviction} ({@link RedisDurabilityCheck}). What remains is a hash deleted by hand while
 * its changes wait (a read of that cart in between restores the older stored copy, and its next change reuses a
 * version) and a Redis that loses its data (the stream goes with it; production Redis runs with AOF).
 *
 * <p>One bad cart never stops the others. When PostgreSQL refuses a batch for what a row holds (SQLSTATE class 22 or
 * 23: a CHECK, a value out of range), the batch is split in halves until the carts at fault are found; each is parked
 * in {@code parked_carts} with the database's reason ({@link ParkedCarts}), counted
 * ({@code cartwright.writebehind.carts.parked}, and the gauge {@code cartwright.writebehind.parked}) and logged
 * ({@code event=writebehind_cart_parked}), its entries are acknowledged, and every other cart is written. A cart whose
 * entry carries a cart that cannot be read is parked the same way. A parked cart keeps no idle TTL, since its newest
 * version is not stored, until a newer version is stored (which also releases it from the parking) or an operator
 * replays it ({@link ParkedCartReplay}). A customer's new active cart refused for arriving before the old one's end
 * is not parked but waits, as before: its entries stay pending until a takeover finds the old cart's end written.
 *
 * <p>Once caught up it reads at most once per {@link CartStoreConfig#writeBehindPace()}: a busy cart changed ten times
 * in that while is written once, which is most of what the write-behind (and PostgreSQL) would otherwise spend under
 * load. A backlog is read without pausing, up to {@value #GATHER_READS} reads of a batch at once, so that behind too a
 * cart is written about once per stretch of stream the write-behind takes in. A batch read once caught up is written in
 * transactions of {@value #SPREAD_CHUNK} carts, each followed by a rest as long as it took, for at most half the pace:
 * PostgreSQL's work is spread over the pace instead of taking a core in one burst, which on a machine it shares with
 * the service and Redis stalls the requests in flight (BENCHMARKS.md, "Where the stack's spread comes from"). Behind,
 * or after a start or a failure, nothing rests.
 */
public final class WriteBehind extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(WriteBehind.class);
    private static final String UNIQUE_VIOLATION = "23505";

    private static final long PARKED_COUNT_INTERVAL_MS = 15_000;

    /** Reads of {@link CartStoreConfig#batchSize()} entries gathered into one batch while behind. */
    static final int GATHER_READS = 3;

    /**
     * The most entries one XREADGROUP asks for; a larger batch size is taken in by several reads in a row. The Redis
     * client keeps a reply's bytes until the next reply arrives, for the whole pace once caught up: a reply of
     * 10 000 entries with their carts held megabytes the collector copied at every pause, and kept Redis busy with one
     * command for about 2 ms.
     */
    static final int READ_AT_MOST = 1_000;

    /** Carts per transaction when a batch read once caught up is spread out. */
    static final int SPREAD_CHUNK = 200;

    private final Redis redis;
    private final PgCartRepository repository;
    private final ParkedCarts parkedCarts;
    private final CartStoreConfig config;
    private final Clock clock;
    private final ChangeStreamConsumer consumer;
    private final Counter cartsWritten;
    private final Timer batchTime;
    private final Counter cartsParked;
    private final AtomicLong parkedNow = new AtomicLong();
    private final String idleTtlSeconds;
    private LuaScript readCart;
    private LuaScript startIdleTtl;
    private LuaScript indexTtl;
    private long parkedTimer = -1;

    public WriteBehind(Redis redis, PgCartRepository repository, ParkedCarts parkedCarts, CartStoreConfig config, Clock clock,
                       MeterRegistry registry) {
        this.redis = redis;
        this.repository = repository;
        this.parkedCarts = parkedCarts;
        this.config = config;
        this.clock = clock;
        this.idleTtlSeconds = Long.toString(Math.max(1, config.idleTtl().toSeconds()));
        // Tagged by consumer too: two instances in one process must not share (and so hide) each other's meters.
        Tags tags = Tags.of("stream", config.streamKey(), "consumer", config.consumerName());
        ChangeStreamConsumer.Settings settings = consumerSettings(config);
        ChangeStreamConsumer.Meters meters = new ChangeStreamConsumer.Meters("cartwright.writebehind.pending",
            "Change-stream entries not yet persisted by the write-behind group (pending and undelivered)",
            "cartwright.writebehind.oldest.age", "cartwright.writebehind.entries.acked", "cartwright.writebehind.batch.failures", tags);
        this.consumer = new ChangeStreamConsumer(redis, settings, clock, registry, meters, this::persist);
        this.cartsWritten = Counter.builder("cartwright.writebehind.carts.written").tags(tags).register(registry);
        this.batchTime = Timer.builder("cartwright.writebehind.batch")
            .description("Time to persist one batch read from the change stream: its carts read from Redis, written to PostgreSQL"
                + " and their idle TTL started (what bounds how far the stream's trimming trails its head)")
            .tags(tags).register(registry);
        this.cartsParked = Counter.builder("cartwright.writebehind.carts.parked")
            .description("Carts set aside because PostgreSQL refused them or they could not be read").tags(tags).register(registry);
        Gauge.builder("cartwright.writebehind.parked", parkedNow, AtomicLong::get)
            .description("Carts in parked_carts now, waiting for an operator's replay (looked up every 15 s)")
            .tags(tags).register(registry);
    }

    /** Carts parked as of the last look (every 15 s, and counting those this instance parked since). */
    public long parkedCarts() {
        return parkedNow.get();
    }

    /** Counts the parked carts now (the gauge does so every 15 s on its own). */
    public Future<Long> refreshParked() {
        return parkedCarts.count().onSuccess(parkedNow::set)
            .onFailure(failure -> LOG.debug("event=writebehind_parked_unknown error=\"{}\"", failure.toString()));
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
        return vertx.executeBlocking(() -> List.of(LuaScript.load("cart-read.lua"), LuaScript.load("cart-idle-ttl.lua"),
                LuaScript.load("customer-index-swap.lua")))
            .compose(scripts -> {
                readCart = scripts.get(0);
                startIdleTtl = scripts.get(1);
                indexTtl = scripts.get(2);
                return Future.all(readCart.preload(redis), startIdleTtl.preload(redis), indexTtl.preload(redis));
            })
            .compose(loaded -> {
                consumer.open(vertx);
                parkedTimer = vertx.setPeriodic(0, PARKED_COUNT_INTERVAL_MS, tick -> refreshParked());
                return consumer.startReading();
            });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(parkedTimer);
        return consumer.close();
    }

    /** The wait after {@code failureCount} failures in a row: doubling from the initial wait, capped. */
    static long backoffMillis(CartStoreConfig config, int failureCount) {
        return ChangeStreamConsumer.backoffMillis(config.backoffInitial(), config.backoffMax(), failureCount);
    }

    /**
     * How the write-behind reads its stream: {@link CartStoreConfig#batchSize()} entries at once, in reads of at most
     * {@value #READ_AT_MOST}; behind, up to {@value #GATHER_READS} times as many gathered into one batch.
     */
    static ChangeStreamConsumer.Settings consumerSettings(CartStoreConfig config) {
        return new ChangeStreamConsumer.Settings(config.streamKey(), config.writeBehindGroup(), config.consumerName(),
            Math.min(config.batchSize(), READ_AT_MOST), config.batchSize() * GATHER_READS, config.readBlock(), config.writeBehindPace(),
            config.claimMinIdle(), true, config.backoffInitial(), config.backoffMax());
    }

    /**
     * Writes the newest state of every cart named in the batch, as its newest entry carries it; sets aside the carts
     * PostgreSQL refuses or that cannot be read; starts the idle TTL of each cart stored at the version Redis holds.
     * Every entry is then done but those of carts that must wait for another cart's write (see {@link #write}).
     */
    private Future<BatchOutcome> persist(List<CartChange> batch) {
        long started = System.nanoTime();
        return persistNewest(batch, consumer.caughtUp(), started)
            .onComplete(done -> batchTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
    }

    private Future<BatchOutcome> persistNewest(List<CartChange> batch, boolean spread, long startedNanos) {
        Map<String, CartChange> newest = new LinkedHashMap<>();
        for (CartChange change : batch) {
            if (!change.cartId().isEmpty()) {
                newest.put(change.cartId(), change);
            }
        }
        if (newest.isEmpty()) {
            return Future.succeededFuture(BatchOutcome.all(batch));
        }
        // While the batch is written (for up to half the pace when spread), only the entries' ids are kept, not the
        // changes: a batch of 10 000 changes with their carts is megabytes the collector would copy at every pause.
        Entries entries = Entries.of(batch);
        return cartsOf(newest).compose(read -> {
            List<Candidate> ordered = new ArrayList<>(read.carts());
            ordered.sort(Comparator.comparing(Candidate::cart, PgCartRepository.ACTIVE_LAST));
            Future<WriteResult> writing = spread ? writeSpread(ordered, 0, startedNanos) : write(ordered);
            return writing.map(written -> written.plus(WriteResult.refused(read.unreadable())));
        }).compose(result -> park(result.refused())
            .compose(parkedAll -> startIdleTtl(result.written()))
            .map(started -> entries.done(result.waiting())));
    }

    /**
     * Writes the carts from {@code from} on, {@value #SPREAD_CHUNK} per transaction in write order (terminal carts
     * first, so the order across transactions is the one a single transaction would have had), resting after each as
     * {@link #restAfterChunk} says. A failure stops it: the carts written before are written again with the batch,
     * which changes nothing (a version never moves backwards).
     */
    private Future<WriteResult> writeSpread(List<Candidate> ordered, int from, long batchStartedNanos) {
        int to = Math.min(ordered.size(), from + SPREAD_CHUNK);
        long chunkStarted = System.nanoTime();
        return write(ordered.subList(from, to)).compose(chunk -> {
            if (to == ordered.size()) {
                return Future.succeededFuture(chunk);
            }
            long now = System.nanoTime();
            long rest = restAfterChunk(now - chunkStarted, now - batchStartedNanos, config.writeBehindPace());
            Future<Void> rested = rest == 0 ? Future.succeededFuture() : vertx.timer(rest, TimeUnit.MILLISECONDS).mapEmpty();
            return rested.compose(go -> writeSpread(ordered, to, batchStartedNanos)).map(chunk::plus);
        });
    }

    /**
     * How long to rest, in milliseconds, after a transaction of a spread batch that took {@code chunkNanos}, the batch
     * in hand for {@code batchNanos}: as long as the transaction took, so that PostgreSQL is busy at most half the time,
     * but never past half the pace since the batch was taken (then the rest is written at once: the next read must not
     * wait on this one).
     */
    static long restAfterChunk(long chunkNanos, long batchNanos, Duration pace) {
        long budget = pace.toNanos() / 2 - batchNanos;
        if (budget <= 0) {
            return 0;
        }
        return TimeUnit.NANOSECONDS.toMillis(Math.min(chunkNanos, budget));
    }

    /** A cart to write and the entry that carried it. */
    private record Candidate(String entryId, StoredCart cart) {
    }

    /** The carts read from a batch, and those that could not be read. */
    private record ReadCarts(List<Candidate> carts, List<ParkedCarts.Parking> unreadable) {
    }

    /**
     * What became of the carts of a batch: stored, left waiting (their entries stay pending), or refused (to be
     * parked).
     */
    private record WriteResult(List<Candidate> written, Set<String> waiting, List<ParkedCarts.Parking> refused) {

        static final WriteResult NONE = new WriteResult(List.of(), Set.of(), List.of());

        static WriteResult refused(List<ParkedCarts.Parking> refused) {
            return new WriteResult(List.of(), Set.of(), refused);
        }

        WriteResult plus(WriteResult other) {
            List<Candidate> allWritten = new ArrayList<>(written);
            allWritten.addAll(other.written);
            Set<String> allWaiting = new HashSet<>(waiting);
            allWaiting.addAll(other.waiting);
            List<ParkedCarts.Parking> allRefused = new ArrayList<>(refused);
            allRefused.addAll(other.refused);
            return new WriteResult(allWritten, allWaiting, allRefused);
        }
    }

    /** A batch's entry ids and the cart each names, in stream order: all that its outcome needs. */
    private record Entries(String[] entryIds, String[] cartIds) {

        static Entries of(List<CartChange> batch) {
            String[] entryIds = new String[batch.size()];
            String[] cartIds = new String[batch.size()];
            for (int i = 0; i < entryIds.length; i++) {
                entryIds[i] = batch.get(i).entryId();
                cartIds[i] = batch.get(i).cartId();
            }
            return new Entries(entryIds, cartIds);
        }

        /** Every entry done but those of carts left waiting. */
        BatchOutcome done(Set<String> waitingCarts) {
            List<String> handled = new ArrayList<>(entryIds.length);
            for (int i = 0; i < entryIds.length; i++) {
                if (!waitingCarts.contains(cartIds[i])) {
                    handled.add(entryIds[i]);
                }
            }
            return new BatchOutcome.Done(handled);
        }
    }

    /**
     * Writes the carts in one transaction. When PostgreSQL refuses a row for what it holds, the carts are split in
     * halves and each half written on its own, down to the single carts at fault, so a batch with one bad cart costs
     * about two transactions per halving instead of one per cart. A single cart refused:
     * <ul>
     *   <li>for breaking a uniqueness rule (a customer's new active cart arriving before the old one's end, written by
     *       another consumer) waits: its entries stay pending, and a later takeover retries them once the other write
     *       has landed;</li>
     *   <li>for anything else its row holds (a CHECK, a value out of range, a missing value) is parked.</li>
     * </ul>
     * The list is in write order (terminal carts first), and halves are written in that order too.
     */
    private Future<WriteResult> write(List<Candidate> carts) {
        if (carts.isEmpty()) {
            return Future.succeededFuture(WriteResult.NONE);
        }
        List<StoredCart> stored = carts.stream().map(Candidate::cart).toList();
        return repository.upsert(stored).map(advanced -> {
            cartsWritten.increment(advanced.size());
            return new WriteResult(carts, Set.of(), List.of());
        }).recover(failure -> {
            if (!isRowRefusal(failure)) {
                return Future.failedFuture(failure);
            }
            if (carts.size() > 1) {
                int half = carts.size() / 2;
                return write(carts.subList(0, half)).compose(first -> write(carts.subList(half, carts.size())).map(first::plus));
            }
            Candidate only = carts.get(0);
            DatabaseException refusal = (DatabaseException) failure;
            if (UNIQUE_VIOLATION.equals(refusal.getSqlState())) {
                LOG.warn("event=writebehind_cart_waits cart_id={} version={} reason=\"{}\"", only.cart().cart().cartId(),
                    only.cart().cart().version(), failure.getMessage());
                return Future.succeededFuture(new WriteResult(List.of(), Set.of(only.cart().cart().cartId()), List.of()));
            }
            Cart cart = only.cart().cart();
            return Future.succeededFuture(WriteResult.refused(List.of(new ParkedCarts.Parking(cart.cartId(), cart.version(), only.entryId(),
                failure.getMessage(), Optional.ofNullable(refusal.getSqlState()), Optional.of(only.cart())))));
        });
    }

    /** Whether PostgreSQL refused the rows for what they hold (SQLSTATE class 22 or 23), not for being unreachable. */
    private static boolean isRowRefusal(Throwable failure) {
        if (!(failure instanceof DatabaseException database) || database.getSqlState() == null) {
            return false;
        }
        String state = database.getSqlState();
        return state.startsWith("22") || state.startsWith("23");
    }

    private Future<Void> park(List<ParkedCarts.Parking> refused) {
        if (refused.isEmpty()) {
            return Future.succeededFuture();
        }
        // What PostgreSQL refused in a cart's row it may refuse in its JSON too (a NUL character in a name): such carts
        // are parked without their JSON, since Redis still holds them for a replay, rather than blocking the batch.
        Future<Void> parked = parkedCarts.park(refused, clock.instant()).recover(failure -> {
            if (!isRowRefusal(failure)) {
                return Future.failedFuture(failure);
            }
            String why = "the cart could not be kept as JSON: " + failure.getMessage();
            return parkedCarts.park(refused.stream().map(parking -> parking.withoutCart(why)).toList(), clock.instant());
        });
        return parked.onSuccess(done -> {
            for (ParkedCarts.Parking parking : refused) {
                cartsParked.increment();
                LOG.error("event=writebehind_cart_parked cart_id={} version={} entry_id={} sql_state={} reason=\"{}\"", parking.cartId(),
                    parking.version(), parking.entryId(), parking.sqlState().orElse(""), parking.reason());
            }
            parkedNow.addAndGet(refused.size());
        });
    }

    /**
     * The cart each newest entry carries. A cart that cannot be decoded is set aside as unreadable. An entry written
     * before the change records carried the cart has only its id: that cart's newest state is read from its hash, and
     * a cart no longer in Redis is passed over, as it was then.
     */
    private Future<ReadCarts> cartsOf(Map<String, CartChange> newest) {
        List<Candidate> carts = new ArrayList<>(newest.size());
        List<ParkedCarts.Parking> unreadable = new ArrayList<>();
        List<CartChange> withoutCart = new ArrayList<>();
        for (CartChange change : newest.values()) {
            Optional<CartSnapshot> snapshot = change.cart();
            if (snapshot.isPresent()) {
                try {
                    carts.add(new Candidate(change.entryId(), snapshot.get().decode()));
                } catch (RuntimeException e) {
                    long version = change instanceof CartChange.Applied applied ? applied.version() : 0;
                    unreadable.add(new ParkedCarts.Parking(change.cartId(), version, change.entryId(),
                        "the cart the change entry carries cannot be read: " + e.getMessage(), Optional.empty(), Optional.empty()));
                }
            } else if (!(change instanceof CartChange.Gone)) {
                withoutCart.add(change);
            }
        }
        if (withoutCart.isEmpty()) {
            return Future.succeededFuture(new ReadCarts(carts, unreadable));
        }
        List<LuaScript.Invocation> reads = new ArrayList<>(withoutCart.size());
        for (CartChange change : withoutCart) {
            reads.add(new LuaScript.Invocation(List.of(config.cartKey(change.cartId())), List.of()));
        }
        return readCart.callAll(redis, reads).map(replies -> {
            for (int i = 0; i < replies.size(); i++) {
                StoredCart cart = CartHash.decodePacked(replies.get(i).toBytes());
                if (cart != null) {
                    carts.add(new Candidate(withoutCart.get(i).entryId(), cart));
                }
            }
            return new ReadCarts(carts, unreadable);
        });
    }

    /** Lets each stored cart expire after the idle TTL, unless Redis holds a newer version than the one stored. */
    private Future<Void> startIdleTtl(List<Candidate> written) {
        if (written.isEmpty()) {
            return Future.succeededFuture();
        }
        List<LuaScript.Invocation> calls = new ArrayList<>(written.size());
        for (Candidate candidate : written) {
            Cart cart = candidate.cart().cart();
            calls.add(idleTtlCall(config, cart, idleTtlSeconds));
        }
        return startIdleTtl.callAll(redis, calls).compose(started -> {
            if (!config.sharded()) {
                return Future.succeededFuture();
            }
            List<Future<Response>> indexes = new ArrayList<>();
            for (int i = 0; i < written.size(); i++) {
                indexTtlCall(config, written.get(i).cart().cart(), started.get(i), idleTtlSeconds)
                    .ifPresent(call -> indexes.add(indexTtl.call(redis, call.keys(), call.args())));
            }
            return Future.all(indexes).mapEmpty();
        });
    }

    /**
     * Sharded keys (see {@link CartStoreConfig#sharded()}): the customer-index-swap.lua call that starts the TTL of the
     * customer's index entry, in the customer's shard, once cart-idle-ttl.lua {@code started} the cart's (so the cart
     * is stored: PostgreSQL answers for the customer's active cart), and only while the entry names this cart (a swap
     * from the cart to itself). None for a guest cart, a cart whose TTL did not start, or keys not sharded (cart-idle-ttl.lua
     * did it in the same step).
     */
    static Optional<LuaScript.Invocation> indexTtlCall(CartStoreConfig config, Cart cart, Response started, String idleTtlSeconds) {
        if (!config.sharded() || cart.customerId().isEmpty() || started == null || started.toLong() != 1) {
            return Optional.empty();
        }
        return Optional.of(new LuaScript.Invocation(List.of(config.customerIndexKey(cart.customerId())),
            List.of(cart.cartId(), cart.cartId(), idleTtlSeconds)));
    }

    /**
     * The cart-idle-ttl.lua call for a stored cart: its hash, and its customer's index entry if it has a customer and
     * keys are not sharded (sharded, the entry is in another slot: {@link #indexTtlCall}).
     */
    static LuaScript.Invocation idleTtlCall(CartStoreConfig config, Cart cart, String idleTtlSeconds) {
        if (cart.customerId().isEmpty() || config.sharded()) {
            return new LuaScript.Invocation(List.of(config.cartKey(cart.cartId())), List.of(Long.toString(cart.version()), idleTtlSeconds));
        }
        return new LuaScript.Invocation(List.of(config.cartKey(cart.cartId()), config.customerIndexKey(cart.customerId())),
            List.of(Long.toString(cart.version()), idleTtlSeconds, cart.cartId()));
    }
}
