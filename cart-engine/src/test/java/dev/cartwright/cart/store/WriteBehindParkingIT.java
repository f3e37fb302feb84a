package dev.cartwright.cart.store;

import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartCommand.AddItem;
import dev.cartwright.cart.CartCommand.SetQuantity;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.pricing.CartLimits;
import dev.cartwright.testkit.Migrations;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * One cart PostgreSQL refuses (here a line above the schema's quantity CHECK) never stops persistence for the
 * others: it is set aside with its reason, counted, and can be replayed once the cause is fixed.
 */
@ExtendWith(RealServices.class)
class WriteBehindParkingIT {

    /** Looser than the schema's CHECK (quantity BETWEEN 1 AND 999), as a misconfigured service would be. */
    private static final CartLimits LOOSE = new CartLimits(1, 5_000, 200);
    private static final CartLimits LIMITS = CartLimits.defaults();

    private static StoreHarness harness;
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final AtomicInteger STREAMS = new AtomicInteger();

    private static ParkedCarts parkedCarts;

    @BeforeAll
    static void open(PostgresInfo postgres, RedisInfo redis) {
        harness = StoreHarness.open(postgres, redis, "write_behind_parking");
        parkedCarts = new ParkedCarts(harness.pool);
    }

    @AfterAll
    static void close() {
        harness.close();
    }

    private static CartStoreConfig freshConfig(String consumer) {
        return harness.config.withStreamKey(harness.redisInfo.key("parking-changes-" + STREAMS.incrementAndGet()))
            .withConsumerName(consumer)
            .withClaimMinIdle(Duration.ofMillis(300))
            .withBackoff(Duration.ofMillis(50), Duration.ofMillis(300))
            .withWriteBehindPace(Duration.ZERO)
            .withBatchSize(50);
    }

    private static Cart mutate(RedisCartStore store, Mutation mutation) {
        MutationResult result = await(store.apply(mutation));
        assertThat(result).isInstanceOf(MutationResult.Applied.class);
        return ((MutationResult.Applied) result).cart();
    }

    private static Cart cartWith(RedisCartStore store, int quantity, CartLimits limits) {
        Cart cart = await(store.createOrGetActive("parking-cart-" + IDS.incrementAndGet(), "", "EUR", "DE", ""));
        return mutate(store, Mutation.of(cart.cartId(), new AddItem("p1", "cat", "Product", quantity, 500, limits)));
    }

    private static WriteBehind deploy(CartStoreConfig config, SimpleMeterRegistry registry) {
        WriteBehind writeBehind = new WriteBehind(harness.redis, harness.repository, parkedCarts, config, Clock.systemUTC(),
            registry);
        await(harness.vertx.deployVerticle(writeBehind));
        return writeBehind;
    }

    private static void undeploy(WriteBehind writeBehind) {
        await(harness.vertx.undeploy(writeBehind.deploymentID()));
    }

    private static void eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + StoreHarness.WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within " + StoreHarness.WAIT);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static Optional<StoredCart> stored(String cartId) {
        return await(harness.repository.load(cartId));
    }

    private static boolean persisted(Cart cart) {
        return stored(cart.cartId()).map(stored -> stored.cart().equals(cart)).orElse(false);
    }

    private static long pendingOf(CartStoreConfig config) {
        Response summary = await(harness.redis.send(Request.cmd(Command.XPENDING).arg(config.streamKey()).arg(config.writeBehindGroup())));
        return summary.get(0).toLong();
    }

    private static long millisToLive(CartStoreConfig config, String cartId) {
        return await(harness.redis.send(Request.cmd(Command.PTTL).arg(config.cartKey(cartId)))).toLong();
    }

    private static Optional<ParkedCarts.ParkedCart> parked(String cartId) {
        return await(parkedCarts.find(cartId));
    }

    private static ParkedCartReplay replayOf(CartStoreConfig config) {
        return await(ParkedCartReplay.create(harness.vertx, harness.redis, harness.repository, parkedCarts, config, Clock.systemUTC()));
    }

    /** Lets the schema take quantities up to 5 000, as a migration fixing the cause would. */
    private static void relaxQuantityCheck(String schema) {
        try (java.sql.Connection connection = harness.postgres.connect(schema);
             java.sql.Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE cart_items DROP CONSTRAINT cart_items_quantity_check");
            statement.execute("ALTER TABLE cart_items ADD CONSTRAINT cart_items_quantity_check CHECK (quantity BETWEEN 1 AND 5000)");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aCartPostgresRefusesIsParkedWithItsReasonAndTheOthersKeepFlowing() {
        CartStoreConfig config = freshConfig("wb-refused");
        RedisCartStore store = harness.store(Clock.systemUTC(), config);
        Cart before = cartWith(store, 2, LIMITS);
        Cart refused = cartWith(store, 1_500, LOOSE);
        Cart after = cartWith(store, 3, LIMITS);

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WriteBehind writeBehind = deploy(config, registry);
        try {
            eventually(() -> persisted(before) && persisted(after));
            assertThat(stored(refused.cartId())).isEmpty();
            // Later batches keep flowing too.
            Cart later = mutate(store, Mutation.of(before.cartId(), new AddItem("p2", "cat", "Other", 1, 700, LIMITS)));
            eventually(() -> persisted(later));
            eventually(() -> pendingOf(config) == 0);

            ParkedCarts.ParkedCart parking = parked(refused.cartId()).orElseThrow();
            assertThat(parking.version()).isEqualTo(refused.version());
            assertThat(parking.sqlState()).contains("23514");
            assertThat(parking.reason()).contains("cart_items_quantity_check");
            assertThat(parking.cart()).isPresent();
            assertThat(StoredCartJson.decode(parking.cart().get()).cart()).isEqualTo(refused);
            assertThat(parking.storedVersion()).isEmpty();
            assertThat(registry.get("cartwright.writebehind.carts.parked").counter().count()).isEqualTo(1);
            assertThat(await(writeBehind.refreshParked())).isGreaterThanOrEqualTo(1);
            assertThat(registry.get("cartwright.writebehind.parked").gauge().value()).isGreaterThanOrEqualTo(1);
            // Not stored, so it does not expire.
            assertThat(millisToLive(config, refused.cartId())).isEqualTo(-1);
            assertThat(millisToLive(config, before.cartId())).isPositive();
        } finally {
            undeploy(writeBehind);
        }
    }

    /** How many transactions last wrote the carts' rows (their distinct xmin). */
    private static long transactionsOf(List<Cart> carts) {
        String[] ids = carts.stream().map(Cart::cartId).toArray(String[]::new);
        return await(harness.pool.preparedQuery("SELECT count(DISTINCT xmin::text) FROM carts WHERE cart_id = ANY($1)")
            .execute(Tuple.of(ids))).iterator().next().getLong(0);
    }

    private static long storedCount(List<Cart> carts) {
        String[] ids = carts.stream().map(Cart::cartId).toArray(String[]::new);
        return await(harness.pool.preparedQuery("SELECT count(*) FROM carts WHERE cart_id = ANY($1)")
            .execute(Tuple.of(ids))).iterator().next().getLong(0);
    }

    @Test
    void aBatchTakenOnceCaughtUpIsWrittenInSeveralTransactionsAndAllOfItLands() {
        // 450 carts, each created and changed: 900 entries, all in the stream before the write-behind starts, and taken
        // in one read (of up to 2 000), which empties the stream: caught up, so the batch is spread out.
        CartStoreConfig config = freshConfig("wb-spread").withBatchSize(2_000).withWriteBehindPace(Duration.ofMillis(400));
        RedisCartStore store = harness.store(Clock.systemUTC(), config);
        List<Cart> carts = new ArrayList<>();
        for (int i = 0; i < 450; i++) {
            carts.add(cartWith(store, 1 + i % 5, LIMITS));
        }
        WriteBehind writeBehind = deploy(config, new SimpleMeterRegistry());
        try {
            eventually(() -> storedCount(carts) == carts.size() && pendingOf(config) == 0);
            assertThat(carts).allMatch(WriteBehindParkingIT::persisted);
            // Written 200, 200 and 50 to a transaction, in the order of the batch.
            assertThat(transactionsOf(carts)).isEqualTo(3);
            assertThat(transactionsOf(carts.subList(0, 200))).isEqualTo(1);
            assertThat(transactionsOf(carts.subList(400, 450))).isEqualTo(1);
            // Every one stored, so every one's idle TTL started.
            assertThat(carts).allMatch(cart -> millisToLive(config, cart.cartId()) > 0);
        } finally {
            undeploy(writeBehind);
        }
    }

    @Test
    void aCartRefusedInALaterTransactionOfASpreadBatchIsParkedAndTheRestLands() {
        CartStoreConfig config = freshConfig("wb-spread-refused").withBatchSize(2_000).withWriteBehindPace(Duration.ofMillis(400));
        RedisCartStore store = harness.store(Clock.systemUTC(), config);
        List<Cart> good = new ArrayList<>();
        Cart refused = null;
        for (int i = 0; i < 450; i++) {
            if (i == 420) {
                refused = cartWith(store, 1_500, LOOSE);
            } else {
                good.add(cartWith(store, 1, LIMITS));
            }
        }
        Cart atFault = refused;
        WriteBehind writeBehind = deploy(config, new SimpleMeterRegistry());
        try {
            eventually(() -> storedCount(good) == good.size() && pendingOf(config) == 0);
            assertThat(good).allMatch(WriteBehindParkingIT::persisted);
            assertThat(stored(atFault.cartId())).isEmpty();
            assertThat(parked(atFault.cartId())).hasValueSatisfying(parking -> {
                assertThat(parking.version()).isEqualTo(atFault.version());
                assertThat(parking.sqlState()).contains("23514");
            });
            // The first two transactions were not touched by the refusal in the third.
            assertThat(transactionsOf(good.subList(0, 200))).isEqualTo(1);
            assertThat(transactionsOf(good.subList(200, 400))).isEqualTo(1);
        } finally {
            undeploy(writeBehind);
        }
    }

    @Test
    void aParkedCartIsReplayedOnceTheCauseIsFixedAndNotBefore() {
        // A schema of its own: this test changes the CHECK.
        String schema = harness.postgres.freshSchema("parking_replay");
        Migrations.apply(harness.postgres, schema, "classpath:db/checkout_db");
        Pool pool = StoreHarness.pool(harness.vertx, harness.postgres, schema);
        PgCartRepository repository = new PgCartRepository(pool);
        ParkedCarts parking = new ParkedCarts(pool);
        try {
            CartStoreConfig config = freshConfig("wb-replay");
            RedisCartStore store = harness.store(Clock.systemUTC(), config);
            Cart refused = cartWith(store, 1_200, LOOSE);
            WriteBehind writeBehind = new WriteBehind(harness.redis, repository, parking, config, Clock.systemUTC(),
                new SimpleMeterRegistry());
            await(harness.vertx.deployVerticle(writeBehind));
            try {
                eventually(() -> await(parking.find(refused.cartId())).isPresent());
            } finally {
                undeploy(writeBehind);
            }
            ParkedCartReplay replay = await(ParkedCartReplay.create(harness.vertx, harness.redis, repository, parking, config,
                Clock.systemUTC()));

            ParkedCartReplay.Outcome tooSoon = await(replay.replay(refused.cartId()));
            assertThat(tooSoon).isInstanceOf(ParkedCartReplay.Outcome.RefusedAgain.class);
            assertThat(((ParkedCartReplay.Outcome.RefusedAgain) tooSoon).reason()).contains("cart_items_quantity_check");
            ParkedCarts.ParkedCart stillParked = await(parking.find(refused.cartId())).orElseThrow();
            assertThat(stillParked.replayAttempts()).isEqualTo(1);
            assertThat(stillParked.lastReplayAt()).isPresent();
            assertThat(await(repository.load(refused.cartId()))).isEmpty();

            relaxQuantityCheck(schema);
            ParkedCartReplay.Outcome replayed = await(replay.replay(refused.cartId()));

            assertThat(replayed).isEqualTo(new ParkedCartReplay.Outcome.Replayed(refused.cartId(), refused.version()));
            assertThat(await(repository.load(refused.cartId()))).map(StoredCart::cart).contains(refused);
            assertThat(await(parking.find(refused.cartId()))).isEmpty();
            assertThat(millisToLive(config, refused.cartId())).isPositive();
            assertThat(await(replay.replay(refused.cartId()))).isEqualTo(new ParkedCartReplay.Outcome.NotParked(refused.cartId()));
        } finally {
            await(pool.close());
        }
    }

    @Test
    void aParkedCartChangedIntoOnePostgresTakesLeavesTheParkingByItself() {
        CartStoreConfig config = freshConfig("wb-healed");
        RedisCartStore store = harness.store(Clock.systemUTC(), config);
        Cart refused = cartWith(store, 1_100, LOOSE);
        WriteBehind writeBehind = deploy(config, new SimpleMeterRegistry());
        try {
            eventually(() -> parked(refused.cartId()).isPresent());
            Cart healed = mutate(store, Mutation.of(refused.cartId(), new SetQuantity("p1", 5, LIMITS)));
            eventually(() -> persisted(healed));
            assertThat(parked(refused.cartId())).isEmpty();
        } finally {
            undeploy(writeBehind);
        }
    }

    @Test
    void aCartTheEntryCannotDecodeIsParkedAsUnreadableAndReplayedFromRedis() {
        CartStoreConfig config = freshConfig("wb-unreadable");
        RedisCartStore store = harness.store(Clock.systemUTC(), config);
        Cart good = cartWith(store, 1, LIMITS);
        Cart garbled = cartWith(store, 4, LIMITS);
        // An entry of the cart's last change whose packed cart is cut short.
        await(harness.redis.send(Request.cmd(Command.XADD).arg(config.streamKey()).arg("*").arg("cart_id").arg(garbled.cartId())
            .arg("type").arg("cart.item.added").arg("version").arg(garbled.version()).arg("at").arg(1000)
            .arg("c").arg(Buffer.buffer(new byte[] {(byte) 0x82, (byte) 0xa1}))));
        WriteBehind writeBehind = deploy(config, new SimpleMeterRegistry());
        try {
            eventually(() -> persisted(good) && parked(garbled.cartId()).isPresent());
            ParkedCarts.ParkedCart parking = parked(garbled.cartId()).orElseThrow();
            assertThat(parking.reason()).contains("cannot be read");
            assertThat(parking.version()).isEqualTo(garbled.version());
            assertThat(parking.cart()).isEmpty();
            assertThat(parking.sqlState()).isEmpty();
            eventually(() -> pendingOf(config) == 0);
        } finally {
            undeploy(writeBehind);
        }
        ParkedCartReplay.Outcome outcome = await(replayOf(config).replay(garbled.cartId()));
        assertThat(outcome).isEqualTo(new ParkedCartReplay.Outcome.Replayed(garbled.cartId(), garbled.version()));
        assertThat(stored(garbled.cartId())).map(StoredCart::cart).contains(garbled);
    }

    @Test
    void aCartWhoseRowAndJsonPostgresBothRefuseIsParkedWithoutItsJson() {
        CartStoreConfig config = freshConfig("wb-nul");
        RedisCartStore store = harness.store(Clock.systemUTC(), config);
        Cart good = cartWith(store, 2, LIMITS);
        Cart cart = await(store.createOrGetActive("parking-cart-" + IDS.incrementAndGet(), "", "EUR", "DE", ""));
        // PostgreSQL's text takes no NUL character: neither the line's name nor the cart's JSON can be stored.
        Cart unstorable = mutate(store, Mutation.of(cart.cartId(), new AddItem("p1", "cat", "Mug\u0000XL", 1, 500, LIMITS)));
        WriteBehind writeBehind = deploy(config, new SimpleMeterRegistry());
        try {
            eventually(() -> persisted(good) && parked(unstorable.cartId()).isPresent());
            ParkedCarts.ParkedCart parking = parked(unstorable.cartId()).orElseThrow();
            assertThat(parking.sqlState()).isPresent();
            assertThat(parking.reason()).contains("could not be kept as JSON");
            assertThat(parking.cart()).isEmpty();
            eventually(() -> pendingOf(config) == 0);
        } finally {
            undeploy(writeBehind);
        }
    }

    @Test
    void replayingAllReportsEachCart() {
        CartStoreConfig config = freshConfig("wb-replay-all");
        RedisCartStore store = harness.store(Clock.systemUTC(), config);
        Cart first = cartWith(store, 2_000, LOOSE);
        Cart second = cartWith(store, 3_000, LOOSE);
        WriteBehind writeBehind = deploy(config, new SimpleMeterRegistry());
        try {
            eventually(() -> parked(first.cartId()).isPresent() && parked(second.cartId()).isPresent());
            // The second cart is changed into one PostgreSQL takes: stored, so no longer parked.
            Cart healed = mutate(store, Mutation.of(second.cartId(), new SetQuantity("p1", 7, LIMITS)));
            eventually(() -> persisted(healed));
        } finally {
            undeploy(writeBehind);
        }
        List<ParkedCartReplay.Outcome> outcomes = await(replayOf(config).replayAll(1_000));
        assertThat(outcomes).filteredOn(outcome -> outcome.cartId().equals(first.cartId())).singleElement()
            .isInstanceOf(ParkedCartReplay.Outcome.RefusedAgain.class);
        assertThat(outcomes).noneMatch(outcome -> outcome.cartId().equals(second.cartId()));
    }
}
