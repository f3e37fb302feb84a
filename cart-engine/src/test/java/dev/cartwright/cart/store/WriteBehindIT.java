package dev.cartwright.cart.store;

import dev.cartwright.testkit.TestClock;
import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartCommand.AddItem;
import dev.cartwright.cart.CartCommand.ApplyPromotion;
import dev.cartwright.cart.CartCommand.MarkConverted;
import dev.cartwright.cart.CartCommand.RemoveItem;
import dev.cartwright.cart.CartStatus;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.pricing.CartLimits;
import dev.cartwright.testkit.Migrations;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;

/**
 * The write-behind on real Redis and PostgreSQL: persisting the newest version after a burst, taking over what a dead
 * consumer left pending, backing off while the database is unusable and catching up after, the version guard, and
 * the read-through of a cart that left Redis.
 */
@ExtendWith(RealServices.class)
class WriteBehindIT {

    private static final CartLimits LIMITS = CartLimits.defaults();
    private static final Duration SHORT_IDLE = Duration.ofMillis(300);

    private static StoreHarness harness;
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final AtomicInteger STREAMS = new AtomicInteger();

    @BeforeAll
    static void open(PostgresInfo postgres, RedisInfo redis) {
        harness = StoreHarness.open(postgres, redis, "write_behind");
    }

    @AfterAll
    static void close() {
        harness.close();
    }

    /** Each test its own stream, so consumer groups and pending lists never mix between tests. */
    private static CartStoreConfig freshConfig(String consumer) {
        return harness.config.withStreamKey(harness.redisInfo.key("changes-" + STREAMS.incrementAndGet()))
            .withConsumerName(consumer)
            .withClaimMinIdle(SHORT_IDLE)
            .withBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
            .withBatchSize(50);
    }

    private static String newId() {
        return "wb-cart-" + IDS.incrementAndGet();
    }

    private static AddItem add(String product, int quantity) {
        return new AddItem(product, "cat", "Product " + product, quantity, 250 + quantity, LIMITS);
    }

    private static Cart mutate(RedisCartStore store, Mutation mutation) {
        MutationResult result = await(store.apply(mutation));
        assertThat(result).isInstanceOf(MutationResult.Applied.class);
        return ((MutationResult.Applied) result).cart();
    }

    /** A few carts, each changed many times; returns their final states. */
    private static List<Cart> burst(RedisCartStore store, int carts, int changesPerCart) {
        List<Cart> finals = new ArrayList<>();
        for (int c = 0; c < carts; c++) {
            Cart cart = await(store.createOrGetActive(newId(), "", "EUR", "DE", ""));
            for (int i = 0; i < changesPerCart; i++) {
                cart = mutate(store, Mutation.of(cart.cartId(), add("p" + (i % 4), 1)));
            }
            cart = mutate(store, Mutation.of(cart.cartId(), new ApplyPromotion("CODE" + c)));
            cart = mutate(store, Mutation.of(cart.cartId(), new RemoveItem("p3")));
            finals.add(cart);
        }
        return finals;
    }

    private static WriteBehind deploy(CartStoreConfig config, Pool pool) {
        return deploy(config, pool, new SimpleMeterRegistry());
    }

    private static WriteBehind deploy(CartStoreConfig config, Pool pool, MeterRegistry registry) {
        WriteBehind writeBehind = new WriteBehind(harness.redis, new PgCartRepository(pool), new ParkedCarts(pool), config,
            Clock.systemUTC(), registry);
        await(harness.vertx.deployVerticle(writeBehind));
        return writeBehind;
    }

    private static void undeploy(WriteBehind writeBehind) {
        await(harness.vertx.undeploy(writeBehind.deploymentID()));
    }

    /** Waits (up to the harness limit) for a condition the write-behind reaches asynchronously; no timing is asserted. */
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
        return stored(cart.cartId()).map(stored -> stored.cart().version() == cart.version()).orElse(false);
    }

    private static long pendingOf(CartStoreConfig config) {
        Response summary = await(harness.redis.send(Request.cmd(Command.XPENDING).arg(config.streamKey()).arg(config.writeBehindGroup())));
        return summary.get(0).toLong();
    }

    @Test
    void theNewestVersionOfEveryCartIsPersistedAfterABurst() {
        CartStoreConfig config = freshConfig("wb-burst");
        RedisCartStore store = harness.store(Clock.systemUTC(), config);
        List<Cart> finals = burst(store, 5, 30);

        MeterRegistry registry = new SimpleMeterRegistry();
        WriteBehind writeBehind = deploy(config, harness.pool, registry);
        try {
            eventually(() -> finals.stream().allMatch(WriteBehindIT::persisted));
            // The batches that wrote them were timed (reads of 50 entries, up to GATHER_READS of them gathered into one
            // batch while behind: at least 5 * 32 / 150 batches).
            Timer batches = registry.get("cartwright.writebehind.batch").timer();
            long gathered = 50L * WriteBehind.GATHER_READS;
            assertThat(batches.count()).isGreaterThanOrEqualTo((5 * 32 + gathered - 1) / gathered);
            assertThat(batches.totalTime(TimeUnit.NANOSECONDS)).isPositive();
            for (Cart cart : finals) {
                assertThat(stored(cart.cartId())).map(StoredCart::cart).contains(cart);
            }
            // Entries of changes whose newest state was already written may still wait for the next paced read.
            eventually(() -> pendingOf(config) == 0 && await(writeBehind.refreshLag().map(v -> writeBehind.pendingEntries())) == 0);
            assertThat(writeBehind.pendingEntries()).isZero();
            assertThat(writeBehind.oldestPendingAgeSeconds()).isZero();
        } finally {
            undeploy(writeBehind);
        }
    }

    @Test
    void entriesADeadConsumerReadButNeverAcknowledgedAreTakenOverAndPersisted() {
        CartStoreConfig config = freshConfig("wb-survivor");
        RedisCartStore store = harness.store(Clock.systemUTC(), config);
        List<Cart> finals = burst(store, 3, 10);
        await(new ChangeStream(harness.redis, config.streamKey()).ensureGroup(config.writeBehindGroup()));
        Response read = await(harness.redis.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(config.writeBehindGroup())
            .arg("dead-consumer").arg("COUNT").arg(10_000).arg("STREAMS").arg(config.streamKey()).arg(">")));
        int entries = StreamEntries.parseReadGroup(read).size();
        assertThat(entries).isEqualTo(3 * (1 + 10 + 2));
        assertThat(pendingOf(config)).isEqualTo(entries);

        WriteBehind survivor = deploy(config, harness.pool);
        try {
            await(survivor.refreshLag());
            assertThat(survivor.pendingEntries()).isEqualTo(entries);
            eventually(() -> finals.stream().allMatch(WriteBehindIT::persisted));
            eventually(() -> pendingOf(config) == 0);
            await(survivor.refreshLag());
            assertThat(survivor.pendingEntries()).isZero();
        } finally {
            undeploy(survivor);
        }
    }

    @Test
    void aWriteBehindStoppedMidStreamLeavesItsEntriesToTheNextConsumer() {
        CartStoreConfig firstConfig = freshConfig("wb-first");
        RedisCartStore store = harness.store(Clock.systemUTC(), firstConfig);
        List<Cart> finals = burst(store, 2, 5);
        // The first consumer writes into a schema without tables: every batch fails, nothing is acknowledged.
        String emptySchema = harness.postgres.freshSchema("write_behind_empty");
        Pool broken = StoreHarness.pool(harness.vertx, harness.postgres, emptySchema);
        WriteBehind first = deploy(firstConfig, broken);
        eventually(() -> pendingOf(firstConfig) == 2 * (1 + 5 + 2));
        undeploy(first);
        await(broken.close());
        assertThat(finals).noneMatch(WriteBehindIT::persisted);

        WriteBehind second = deploy(firstConfig.withConsumerName("wb-second"), harness.pool);
        try {
            eventually(() -> finals.stream().allMatch(WriteBehindIT::persisted));
            eventually(() -> pendingOf(firstConfig) == 0);
            assertThat(consumersWithPending(firstConfig)).isEmpty();
        } finally {
            undeploy(second);
        }
    }

    @Test
    void whileTheDatabaseIsUnusableTheWriteBehindBacksOffAndCatchesUpAfter() {
        CartStoreConfig config = freshConfig("wb-patient");
        RedisCartStore store = harness.store(Clock.systemUTC(), config);
        String lateSchema = harness.postgres.freshSchema("write_behind_late");
        Pool late = StoreHarness.pool(harness.vertx, harness.postgres, lateSchema);
        WriteBehind writeBehind = deploy(config, late);
        try {
            List<Cart> finals = burst(store, 3, 8);
            eventually(() -> pendingOf(config) > 0);
            // The database "comes back": its tables appear.
            Migrations.apply(harness.postgres, lateSchema, "classpath:db/checkout_db");
            PgCartRepository lateRepository = new PgCartRepository(late);
            eventually(() -> finals.stream().allMatch(cart -> await(lateRepository.load(cart.cartId()))
                .map(stored -> stored.cart().equals(cart)).orElse(false)));
            eventually(() -> pendingOf(config) == 0);
        } finally {
            undeploy(writeBehind);
            await(late.close());
        }
    }

    @Test
    void aCartThatWouldBreakTheOneActiveCartRuleWaitsWithoutHoldingUpTheOthers() {
        CartStoreConfig config = freshConfig("wb-blocked").withClaimMinIdle(Duration.ofHours(1));
        RedisCartStore store = harness.store(Clock.systemUTC(), config);
        ChangeStream stream = new ChangeStream(harness.redis, config.streamKey());
        await(stream.ensureGroup(config.writeBehindGroup()));
        String customer = "customer-blocked-" + IDS.incrementAndGet();
        Cart old = await(store.createOrGetActive(newId(), customer, "EUR", "DE", ""));
        await(harness.repository.upsert(List.of(new StoredCart(old, List.of(), ""))));
        Cart converted = mutate(store, Mutation.of(old.cartId(), new MarkConverted("order-9", "checkout-9")));
        // A consumer takes the conversion (and everything before it) and dies: PostgreSQL still has the old cart active.
        await(harness.redis.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(config.writeBehindGroup()).arg("dead-consumer")
            .arg("COUNT").arg(1_000).arg("STREAMS").arg(config.streamKey()).arg(">")));
        Cart successor = mutate(store, Mutation.of(
            await(store.createOrGetActive(newId(), customer, "EUR", "DE", "")).cartId(), add("p1", 1)));
        Cart unrelated = mutate(store, Mutation.of(await(store.createOrGetActive(newId(), "", "EUR", "DE", "")).cartId(), add("p2", 2)));
        assertThat(successor.cartId()).isNotEqualTo(old.cartId());

        WriteBehind blocked = deploy(config, harness.pool);
        try {
            eventually(() -> persisted(unrelated));
            eventually(() -> consumersWithPending(config).contains("wb-blocked"));
            assertThat(stored(successor.cartId())).isEmpty();
        } finally {
            undeploy(blocked);
        }

        // Once someone takes over the dead consumer's entries, the conversion lands first and the successor after it.
        WriteBehind rescue = deploy(config.withConsumerName("wb-rescue").withClaimMinIdle(SHORT_IDLE), harness.pool);
        try {
            eventually(() -> persisted(converted) && persisted(successor));
            eventually(() -> pendingOf(config) == 0);
            assertThat(stored(old.cartId())).map(stored -> stored.cart().status()).contains(CartStatus.CONVERTED);
            assertThat(stored(old.cartId())).map(StoredCart::convertedOrderId).contains("order-9");
        } finally {
            undeploy(rescue);
        }
    }

    @Test
    void anOlderVersionNeverOverwritesANewerStoredOne() {
        RedisCartStore store = harness.store(Clock.systemUTC());
        Cart cart = await(store.createOrGetActive(newId(), "", "EUR", "DE", ""));
        Cart v2 = mutate(store, Mutation.of(cart.cartId(), add("p1", 1)));
        Cart v3 = mutate(store, Mutation.of(cart.cartId(), add("p2", 2)));
        StoredCart newer = new StoredCart(v3, List.of(), "");
        StoredCart older = new StoredCart(v2, List.of(), "");

        assertThat(await(harness.repository.upsert(List.of(newer)))).containsExactly(cart.cartId());
        assertThat(await(harness.repository.upsert(List.of(older)))).isEmpty();
        assertThat(await(harness.repository.upsert(List.of(newer)))).isEmpty();

        assertThat(stored(cart.cartId())).map(StoredCart::cart).contains(v3);
    }

    @Test
    void aCartDeletedFromRedisComesBackFromPostgresIntactAndTakesChanges() {
        CartStoreConfig config = freshConfig("wb-readthrough");
        Instant t0 = Instant.parse("2026-04-01T08:30:00.456Z");
        TestClock clock = TestClock.at(t0);
        RedisCartStore store = harness.store(clock, config);
        Cart cart = await(store.createOrGetActive(newId(), "customer-rt-" + IDS.incrementAndGet(), "EUR", "AT", ""));
        clock.advance(Duration.ofSeconds(5));
        mutate(store, Mutation.of(cart.cartId(), new AddItem("p|1", "cat-a", "Bär | Größe M", 3, 1_999, LIMITS)));
        clock.advance(Duration.ofSeconds(5));
        mutate(store, Mutation.of(cart.cartId(), add("p2", 2)));
        mutate(store, Mutation.of(cart.cartId(), new ApplyPromotion("SPRING10")));
        Cart last = mutate(store, Mutation.of(cart.cartId(), new ApplyPromotion("FREESHIP")));

        WriteBehind writeBehind = deploy(config, harness.pool);
        try {
            eventually(() -> persisted(last));
        } finally {
            undeploy(writeBehind);
        }
        await(harness.redis.send(Request.cmd(Command.DEL).arg(config.cartKey(cart.cartId()))));

        Optional<Cart> back = await(store.find(cart.cartId()));
        assertThat(back).contains(last);
        assertThat(back.orElseThrow().promotionCodes()).containsExactly("SPRING10", "FREESHIP");
        assertThat(back.orElseThrow().line("p|1").orElseThrow().name()).isEqualTo("Bär | Größe M");

        // Evicted again, then changed without a read first: the change applies on top of the stored lines.
        await(harness.redis.send(Request.cmd(Command.DEL).arg(config.cartKey(cart.cartId()))));
        Cart changed = mutate(store, Mutation.of(cart.cartId(), add("p2", 1)));
        assertThat(changed.version()).isEqualTo(last.version() + 1);
        assertThat(changed.line("p|1").orElseThrow().quantity()).isEqualTo(3);
        assertThat(changed.line("p2").orElseThrow().quantity()).isEqualTo(3);
        assertThat(changed.promotionCodes()).containsExactly("SPRING10", "FREESHIP");
        // The customer's active cart is still found once the index is gone too.
        await(harness.redis.send(Request.cmd(Command.DEL).arg(config.customerIndexKey(cart.customerId()))));
        assertThat(await(store.activeCartOf(cart.customerId()))).map(Cart::cartId).contains(cart.cartId());
    }

    private static List<String> consumersWithPending(CartStoreConfig config) {
        Response summary = await(harness.redis.send(Request.cmd(Command.XPENDING).arg(config.streamKey()).arg(config.writeBehindGroup())));
        List<String> consumers = new ArrayList<>();
        Response perConsumer = summary.size() > 3 ? summary.get(3) : null;
        if (perConsumer != null) {
            for (Response consumer : perConsumer) {
                consumers.add(consumer.get(0).toString());
            }
        }
        return consumers;
    }
}
