package dev.cartwright.cart.store;

import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartCommand.AddItem;
import dev.cartwright.cart.CartCommand.ApplyPromotion;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.pricing.CartLimits;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * No acknowledged cart change is lost while PostgreSQL is away: not when the cart's hash leaves Redis before the
 * write-behind could store it, and not when the idle TTL is shorter than the outage. Versions never repeat: a cart
 * is never brought back from an older stored copy while newer changes still wait in the stream.
 */
@ExtendWith(RealServices.class)
class WriteBehindDurabilityIT {

    private static final CartLimits LIMITS = CartLimits.defaults();

    private static StoreHarness harness;
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final AtomicInteger STREAMS = new AtomicInteger();

    @BeforeAll
    static void open(PostgresInfo postgres, RedisInfo redis) {
        harness = StoreHarness.open(postgres, redis, "write_behind_durability");
    }

    @AfterAll
    static void close() {
        harness.close();
    }

    private static CartStoreConfig freshConfig(String consumer) {
        return harness.config.withStreamKey(harness.redisInfo.key("durable-changes-" + STREAMS.incrementAndGet()))
            .withConsumerName(consumer)
            .withClaimMinIdle(Duration.ofMillis(300))
            .withBackoff(Duration.ofMillis(50), Duration.ofMillis(300))
            .withBatchSize(50);
    }

    private static String newId() {
        return "durable-cart-" + IDS.incrementAndGet();
    }

    private static AddItem add(String product, int quantity) {
        return new AddItem(product, "cat", "Product " + product, quantity, 300 + quantity, LIMITS);
    }

    private static Cart mutate(RedisCartStore store, Mutation mutation) {
        MutationResult result = await(store.apply(mutation));
        assertThat(result).isInstanceOf(MutationResult.Applied.class);
        return ((MutationResult.Applied) result).cart();
    }

    /** A pool pointed at a port nothing listens on: PostgreSQL down, as far as its user can tell. */
    private static Pool unreachablePool() {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PgConnectOptions nowhere = new PgConnectOptions().setHost("127.0.0.1").setPort(port).setDatabase("checkout_db")
            .setUser("postgres");
        return PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(nowhere).using(harness.vertx).build();
    }

    private static WriteBehind deploy(CartStoreConfig config, Pool pool) {
        WriteBehind writeBehind = new WriteBehind(harness.redis, new PgCartRepository(pool), new ParkedCarts(pool), config,
            Clock.systemUTC(), new SimpleMeterRegistry());
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
            pause(Duration.ofMillis(50));
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Optional<StoredCart> stored(String cartId) {
        return await(harness.repository.load(cartId));
    }

    private static long pendingOf(CartStoreConfig config) {
        Response summary = await(harness.redis.send(Request.cmd(Command.XPENDING).arg(config.streamKey()).arg(config.writeBehindGroup())));
        return summary.get(0).toLong();
    }

    /** Entries the group has been handed and not acknowledged, plus those it has not been handed yet. */
    private static long unacknowledged(CartStoreConfig config) {
        Map<String, ChangeStream.GroupState> groups = await(new ChangeStream(harness.redis, config.streamKey()).groups());
        ChangeStream.GroupState state = groups.get(config.writeBehindGroup());
        return state == null ? Long.MAX_VALUE : state.pending() + state.lag().orElse(Long.MAX_VALUE);
    }

    private static long millisToLive(CartStoreConfig config, String cartId) {
        return await(harness.redis.send(Request.cmd(Command.PTTL).arg(config.cartKey(cartId)))).toLong();
    }

    /** The versions of each cart's changes in stream order. */
    private static Map<String, List<Long>> versionsInStream(CartStoreConfig config) {
        Response range = await(harness.redis.send(Request.cmd(Command.XRANGE).arg(config.streamKey()).arg("-").arg("+")));
        Map<String, List<Long>> versions = new LinkedHashMap<>();
        for (StreamEntries.Entry entry : StreamEntries.parse(range)) {
            versions.computeIfAbsent(entry.fields().get("cart_id"), id -> new ArrayList<>())
                .add(Long.parseLong(entry.fields().get("version")));
        }
        return versions;
    }

    private static List<Long> oneToN(long n) {
        List<Long> out = new ArrayList<>();
        for (long v = 1; v <= n; v++) {
            out.add(v);
        }
        return out;
    }

    @Test
    void changesWhoseCartLeftRedisWhilePostgresWasDownStillReachPostgres() {
        CartStoreConfig config = freshConfig("wb-hash-gone");
        RedisCartStore store = harness.store(Clock.systemUTC(), config);
        Pool down = unreachablePool();
        WriteBehind stalled = deploy(config, down);
        List<Cart> acknowledged = new ArrayList<>();
        try {
            for (int c = 0; c < 3; c++) {
                Cart cart = await(store.createOrGetActive(newId(), "", "EUR", "DE", ""));
                for (int i = 0; i < 4; i++) {
                    cart = mutate(store, Mutation.of(cart.cartId(), add("p" + i, i + 1)));
                }
                acknowledged.add(mutate(store, Mutation.of(cart.cartId(), new ApplyPromotion("SAVE" + c))));
            }
            // The write-behind has been handed changes and could not store them.
            eventually(() -> pendingOf(config) > 0);
            // Redis loses the hashes (evicted, expired, flushed by hand) before anything reached PostgreSQL.
            for (Cart cart : acknowledged) {
                await(harness.redis.send(Request.cmd(Command.DEL).arg(config.cartKey(cart.cartId()))));
            }
        } finally {
            undeploy(stalled);
            await(down.close());
        }

        WriteBehind recovered = deploy(config, harness.pool);
        try {
            eventually(() -> unacknowledged(config) == 0);
            for (Cart cart : acknowledged) {
                assertThat(stored(cart.cartId())).as("cart %s in PostgreSQL", cart.cartId()).map(StoredCart::cart).contains(cart);
            }
            Map<String, List<Long>> versions = versionsInStream(config);
            for (Cart cart : acknowledged) {
                assertThat(versions.get(cart.cartId())).containsExactlyElementsOf(oneToN(cart.version()));
            }
        } finally {
            undeploy(recovered);
        }
    }

    @Test
    void aCartWhoseChangesWaitForPostgresOutlivesItsIdleTtlAndNeverReusesAVersion() {
        CartStoreConfig config = freshConfig("wb-ttl").withIdleTtl(Duration.ofSeconds(1));
        RedisCartStore store = harness.store(Clock.systemUTC(), config);
        Cart cart = await(store.createOrGetActive(newId(), "", "EUR", "DE", ""));
        mutate(store, Mutation.of(cart.cartId(), add("p1", 1)));
        Cart stored = mutate(store, Mutation.of(cart.cartId(), add("p2", 2)));
        WriteBehind healthy = deploy(config, harness.pool);
        try {
            eventually(() -> stored(cart.cartId()).map(s -> s.cart().version() == stored.version()).orElse(false));
            eventually(() -> unacknowledged(config) == 0);
        } finally {
            undeploy(healthy);
        }

        Pool down = unreachablePool();
        WriteBehind stalled = deploy(config, down);
        Cart afterOutage;
        try {
            mutate(store, Mutation.of(cart.cartId(), add("p1", 3)));
            Cart unstored = mutate(store, Mutation.of(cart.cartId(), add("p3", 1)));
            // Longer than the idle TTL: a cart that expired now would come back from PostgreSQL two changes behind.
            pause(Duration.ofMillis(2_500));
            assertThat(millisToLive(config, cart.cartId())).as("TTL of a cart with unstored changes").isEqualTo(-1);
            afterOutage = mutate(store, Mutation.of(cart.cartId(), add("p1", 1)));
            assertThat(afterOutage.version()).isEqualTo(unstored.version() + 1);
            assertThat(afterOutage.line("p1").orElseThrow().quantity()).isEqualTo(1 + 3 + 1);
            assertThat(afterOutage.line("p3")).isPresent();
        } finally {
            undeploy(stalled);
            await(down.close());
        }

        WriteBehind back = deploy(config, harness.pool);
        try {
            eventually(() -> stored(cart.cartId()).map(s -> s.cart().equals(afterOutage)).orElse(false));
            assertThat(versionsInStream(config).get(cart.cartId())).containsExactlyElementsOf(oneToN(afterOutage.version()));
            // Stored: the idle TTL runs again.
            eventually(() -> millisToLive(config, cart.cartId()) > 0 || millisToLive(config, cart.cartId()) == -2);
        } finally {
            undeploy(back);
        }
    }

    @Test
    void aCustomersCartIndexOutlivesItsIdleTtlUntilTheCartIsStored() {
        CartStoreConfig config = freshConfig("wb-index-ttl").withIdleTtl(Duration.ofSeconds(1));
        RedisCartStore store = harness.store(Clock.systemUTC(), config);
        String customer = "durable-customer-" + IDS.incrementAndGet();
        Pool down = unreachablePool();
        WriteBehind stalled = deploy(config, down);
        Cart first;
        try {
            first = await(store.createOrGetActive(newId(), customer, "EUR", "DE", ""));
            mutate(store, Mutation.of(first.cartId(), add("p1", 1)));
            // Longer than the idle TTL while PostgreSQL has not stored the cart: an index that expired now would send
            // the customer's next visit to PostgreSQL, which knows no active cart, and a second active cart would start.
            pause(Duration.ofMillis(2_500));
            assertThat(millisToLiveOfKey(config.customerIndexKey(customer))).as("TTL of the index of an unstored cart").isEqualTo(-1);
            Cart again = await(store.createOrGetActive(newId(), customer, "EUR", "DE", ""));
            assertThat(again.cartId()).isEqualTo(first.cartId());
            assertThat(await(store.activeCartOf(customer))).map(Cart::cartId).contains(first.cartId());
        } finally {
            undeploy(stalled);
            await(down.close());
        }

        WriteBehind back = deploy(config, harness.pool);
        try {
            eventually(() -> stored(first.cartId()).isPresent());
            // Stored: the index may expire with the cart, and PostgreSQL answers for both afterwards.
            eventually(() -> millisToLiveOfKey(config.customerIndexKey(customer)) > 0
                || millisToLiveOfKey(config.customerIndexKey(customer)) == -2);
        } finally {
            undeploy(back);
        }
    }

    private static long millisToLiveOfKey(String key) {
        return await(harness.redis.send(Request.cmd(Command.PTTL).arg(key))).toLong();
    }
}
