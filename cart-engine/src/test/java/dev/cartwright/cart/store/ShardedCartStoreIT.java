package dev.cartwright.cart.store;

import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartCommand.AddItem;
import dev.cartwright.cart.CartStatus;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.cart.store.change.CartChange;
import dev.cartwright.pricing.CartLimits;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/**
 * The store with its carts spread over several change streams on one Redis: each cart's changes go, in order, to its
 * shard's stream under the shard's hash tag; one write-behind per stream stores every cart; a customer's cart, whose
 * index entry is in another shard, is still one per customer under concurrent creates and after a create that stopped
 * between its two steps; a merge across shards folds the source into the target.
 */
@ExtendWith(RealServices.class)
class ShardedCartStoreIT {

    private static final int SHARDS = 4;
    private static final CartLimits LIMITS = CartLimits.defaults();
    private static final AtomicInteger IDS = new AtomicInteger();

    private static StoreHarness harness;
    private static CartStoreConfig config;
    private static RedisCartStore store;

    @BeforeAll
    static void open(PostgresInfo postgres, RedisInfo redis) {
        harness = StoreHarness.open(postgres, redis, "sharded_store");
        config = harness.config.withShards(SHARDS, false).withBatchSize(50).withWriteBehindPace(Duration.ZERO)
            .withIdleTtl(Duration.ofMinutes(10));
        store = harness.store(Clock.systemUTC(), config);
    }

    @AfterAll
    static void close() {
        harness.close();
    }

    private static String newId() {
        return "sh-cart-" + IDS.incrementAndGet();
    }

    private static AddItem add(String product, int quantity) {
        return new AddItem(product, "cat", "Product " + product, quantity, 300, LIMITS);
    }

    private static Cart mutate(Mutation mutation) {
        MutationResult result = await(store.apply(mutation));
        assertThat(result).isInstanceOf(MutationResult.Applied.class);
        return ((MutationResult.Applied) result).cart();
    }

    private static List<CartChange> entries(String stream) {
        return ChangeRecords.fromEntries(await(harness.redis.send(Request.cmd(Command.XRANGE).arg(stream).arg("-").arg("+"))));
    }

    @Test
    void eachCartsChangesGoInOrderToItsShardsStreamUnderTheShardsTag() {
        List<Cart> carts = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            Cart cart = await(store.createOrGetActive(newId(), "", "EUR", "DE", ""));
            for (int n = 0; n < 3; n++) {
                cart = mutate(Mutation.of(cart.cartId(), add("p" + n, 1)).withIdempotencyKey("k-" + cart.cartId() + "-" + n));
            }
            carts.add(cart);
        }
        Set<Integer> shardsUsed = new HashSet<>();
        for (Cart cart : carts) {
            int shard = config.shardOf(cart.cartId());
            shardsUsed.add(shard);
            String tag = "{" + ShardTags.of(SHARDS).get(shard) + "}";
            assertThat(config.cartKey(cart.cartId())).contains(tag);
            assertThat(await(harness.redis.send(Request.cmd(Command.EXISTS).arg(config.cartKey(cart.cartId())))).toInteger()).isEqualTo(1);
            assertThat(await(harness.redis.send(Request.cmd(Command.EXISTS)
                .arg(config.idempotencyKey(cart.cartId(), "k-" + cart.cartId() + "-0")))).toInteger()).isEqualTo(1);
            for (int other = 0; other < SHARDS; other++) {
                List<Long> versions = entries(config.streamKey(other)).stream()
                    .filter(change -> change.cartId().equals(cart.cartId()))
                    .map(change -> ((CartChange.Applied) change).version()).toList();
                if (other == shard) {
                    assertThat(versions).as("versions of %s on its stream", cart.cartId()).containsExactly(1L, 2L, 3L, 4L);
                } else {
                    assertThat(versions).as("entries of %s on another shard's stream", cart.cartId()).isEmpty();
                }
            }
        }
        assertThat(shardsUsed).hasSize(SHARDS);
        // The idempotency counters are per shard; the gauge sums them.
        IdempotencyKeyCount count = new IdempotencyKeyCount(harness.redis, config, Clock.systemUTC(), new SimpleMeterRegistry());
        assertThat(await(count.count())).isGreaterThanOrEqualTo(carts.size() * 3L);
    }

    @Test
    void oneWriteBehindPerStreamStoresEveryCartAndStartsTheCustomerIndexTtl() {
        List<Cart> carts = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String customer = "sh-wb-customer-" + IDS.incrementAndGet();
            Cart cart = await(store.createOrGetActive(newId(), customer, "EUR", "DE", ""));
            cart = mutate(Mutation.of(cart.cartId(), add("p1", 2)));
            carts.add(cart);
        }
        List<WriteBehind> writeBehinds = new ArrayList<>();
        for (int shard = 0; shard < SHARDS; shard++) {
            WriteBehind writeBehind = new WriteBehind(harness.redis, harness.repository, new ParkedCarts(harness.pool),
                config.forStream(shard), Clock.systemUTC(), new SimpleMeterRegistry());
            await(harness.vertx.deployVerticle(writeBehind));
            writeBehinds.add(writeBehind);
        }
        try {
            for (Cart cart : carts) {
                eventually(() -> await(harness.repository.load(cart.cartId()))
                    .map(s -> s.cart().version() == cart.version()).orElse(false));
                eventually(() -> ttlOf(config.cartKey(cart.cartId())) > 0);
                // Stored, so PostgreSQL answers for the customer's active cart: the index entry may expire with the cart.
                eventually(() -> ttlOf(config.customerIndexKey(cart.customerId())) > 0);
                assertThat(await(harness.repository.activeCartIdOf(cart.customerId()))).contains(cart.cartId());
            }
        } finally {
            for (WriteBehind writeBehind : writeBehinds) {
                await(harness.vertx.undeploy(writeBehind.deploymentID()));
            }
        }
    }

    @Test
    void concurrentCreatesOfOneCustomerAnswerOneCart() {
        for (int round = 0; round < 5; round++) {
            String customer = "sh-customer-" + IDS.incrementAndGet();
            List<Future<Cart>> creates = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                creates.add(store.createOrGetActive(newId(), customer, "EUR", "DE", ""));
            }
            Set<String> ids = new HashSet<>();
            for (Future<Cart> create : creates) {
                ids.add(await(create).cartId());
            }
            assertThat(ids).as("carts of " + customer).hasSize(1);
            String cartId = ids.iterator().next();
            assertThat(config.shardOf(cartId)).isBetween(0, SHARDS - 1);
            assertThat(await(store.activeCartOf(customer)).map(Cart::cartId)).contains(cartId);
        }
    }

    @Test
    void aClaimLeftWithoutItsCartIsCompletedByTheNextCreate() {
        String customer = "sh-crashed-" + IDS.incrementAndGet();
        String claimed = newId();
        // As if a process claimed the index entry and stopped before creating the cart.
        await(harness.redis.send(Request.cmd(Command.SET).arg(config.customerIndexKey(customer)).arg(claimed)));

        assertThat(await(store.activeCartOf(customer))).isEmpty();
        assertThat(await(harness.redis.send(Request.cmd(Command.GET).arg(config.customerIndexKey(customer)))).toString())
            .as("the claim is left for the create to complete").isEqualTo(claimed);

        Cart cart = await(store.createOrGetActive(newId(), customer, "EUR", "DE", ""));
        assertThat(cart.cartId()).isEqualTo(claimed);
        assertThat(cart.customerId()).isEqualTo(customer);
        assertThat(await(store.activeCartOf(customer)).map(Cart::cartId)).contains(claimed);
    }

    @Test
    void anIndexNamingAnInactiveCartIsRepairedByTheNextCreate() {
        String customer = "sh-converted-" + IDS.incrementAndGet();
        Cart first = await(store.createOrGetActive(newId(), customer, "EUR", "DE", ""));
        mutate(Mutation.of(first.cartId(), new dev.cartwright.cart.CartCommand.MarkConverted("order-1", "checkout-1")));

        Cart second = await(store.createOrGetActive(newId(), customer, "EUR", "DE", ""));
        assertThat(second.cartId()).isNotEqualTo(first.cartId());
        assertThat(second.status()).isEqualTo(CartStatus.ACTIVE);
        assertThat(await(store.activeCartOf(customer)).map(Cart::cartId)).contains(second.cartId());
    }

    @Test
    void aMergeAcrossShardsFoldsTheSourceIntoTheTarget() {
        Map<Integer, String> byShard = new HashMap<>();
        while (byShard.size() < 2) {
            String id = newId();
            byShard.putIfAbsent(config.shardOf(id), id);
        }
        List<String> ids = new ArrayList<>(byShard.values());
        Cart source = await(store.createOrGetActive(ids.get(0), "", "EUR", "DE", ""));
        Cart target = await(store.createOrGetActive(ids.get(1), "", "EUR", "DE", ""));
        mutate(Mutation.of(source.cartId(), add("a", 2)));
        mutate(Mutation.of(target.cartId(), add("a", 1)));
        mutate(Mutation.of(target.cartId(), add("b", 1)));

        Cart merged = await(store.merge(source.cartId(), target.cartId(), LIMITS));

        assertThat(merged.lines()).anySatisfy(line -> {
            assertThat(line.productId()).isEqualTo("a");
            assertThat(line.quantity()).isEqualTo(3);
        });
        Optional<Cart> after = await(store.find(source.cartId()));
        assertThat(after).map(Cart::status).contains(CartStatus.MERGED);
        // Each step went to its own cart's stream.
        assertThat(entries(config.streamKeyOf(source.cartId()))).anyMatch(c -> c.cartId().equals(source.cartId())
            && c instanceof CartChange.Applied applied && applied.type().equals("cart.merged"));
        assertThat(entries(config.streamKeyOf(target.cartId()))).anyMatch(c -> c.cartId().equals(target.cartId())
            && c instanceof CartChange.Applied applied && applied.type().equals("cart.merged"));
    }

    private static long ttlOf(String key) {
        return await(harness.redis.send(Request.cmd(Command.PTTL).arg(key))).toLong();
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
}
