package dev.cartwright.cart.store;

import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartCommand.AddItem;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.cart.Refusal;
import dev.cartwright.pricing.CartLimits;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/** Many clients hammering one cart at once lose no change: the script serialises them per cart. */
@ExtendWith(RealServices.class)
class ConcurrentChangesIT {

    private static final int CLIENTS = 4;
    private static final int ADDS = 200;
    private static final int MERGE_ROUNDS = 20;
    private static final int RACING_ADDS = 30;

    private static StoreHarness harness;
    private static final List<Redis> CLIENT_POOLS = new ArrayList<>();

    @BeforeAll
    static void open(PostgresInfo postgres, RedisInfo redis) {
        harness = StoreHarness.open(postgres, redis, "concurrent");
    }

    @AfterAll
    static void close() {
        CLIENT_POOLS.forEach(client -> await(client.close()));
        harness.close();
    }

    /** Several independent clients, each with a pool of connections: their changes really arrive interleaved. */
    private static List<RedisCartStore> clients() {
        List<RedisCartStore> stores = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Redis client = Redis.createClient(harness.vertx, new RedisOptions().setConnectionString(harness.redisInfo.url())
                .setMaxPoolSize(8).setMaxPoolWaiting(1024));
            CLIENT_POOLS.add(client);
            stores.add(await(RedisCartStore.create(harness.vertx, client, harness.repository, harness.config, Clock.systemUTC())));
        }
        return stores;
    }

    @Test
    void anAddRacingAMergeIsInTheMergedCartOrRefusedNeverLost() {
        // Failed before the source was marked at the version read: an add acknowledged between the fold and the mark
        // stayed behind in the MERGED guest cart.
        List<RedisCartStore> stores = clients();
        CartLimits limits = new CartLimits(1, 999, 200);
        AddItem one = new AddItem("p0", "cat", "Product 0", 1, 100, limits);
        for (int round = 0; round < MERGE_ROUNDS; round++) {
            Cart source = await(stores.get(0).createOrGetActive("race-guest-" + round, "", "EUR", "DE", ""));
            Cart target = await(stores.get(0).createOrGetActive("race-customer-cart-" + round, "race-customer-" + round, "EUR", "DE", ""));
            await(stores.get(0).apply(Mutation.of(source.cartId(), one)));
            List<Future<MutationResult>> adds = new ArrayList<>();
            Future<Cart> merge = null;
            for (int i = 0; i < RACING_ADDS; i++) {
                if (i == RACING_ADDS / 2) {
                    merge = stores.get(0).merge(source.cartId(), target.cartId(), limits);
                }
                adds.add(stores.get(1 + i % (CLIENTS - 1)).apply(Mutation.of(source.cartId(), one)));
            }

            Cart merged = await(merge);
            List<MutationResult> results = await(Future.all(adds)).list();

            int acknowledged = 1;
            for (MutationResult result : results) {
                if (result instanceof MutationResult.Applied) {
                    acknowledged++;
                } else {
                    assertThat(result).isInstanceOfSatisfying(MutationResult.Refused.class,
                        refused -> assertThat(refused.reason()).isEqualTo(Refusal.NOT_ACTIVE));
                }
            }
            Cart targetNow = await(stores.get(0).find(target.cartId())).orElseThrow();
            assertThat(targetNow.line("p0").orElseThrow().quantity()).as("round %d", round).isEqualTo(acknowledged);
            assertThat(merged.line("p0").orElseThrow().quantity()).as("round %d", round).isEqualTo(acknowledged);
        }
    }

    @Test
    void twoHundredConcurrentAddsToOneCartAreAllKept() {
        List<RedisCartStore> stores = clients();
        Cart cart = await(stores.get(0).createOrGetActive("hammered-cart", "", "EUR", "DE", ""));
        CartLimits limits = new CartLimits(1, 999, 200);
        Random random = new Random(42);
        int[] expected = new int[3];
        List<Future<MutationResult>> adds = new ArrayList<>();
        for (int i = 0; i < ADDS; i++) {
            int product = random.nextInt(3);
            int quantity = 1 + random.nextInt(4);
            expected[product] += quantity;
            AddItem add = new AddItem("p" + product, "cat", "Product " + product, quantity, 100, limits);
            adds.add(stores.get(i % CLIENTS).apply(Mutation.of(cart.cartId(), add)));
        }

        List<MutationResult> results = await(Future.all(adds)).list();

        Set<Long> versionsSeen = new HashSet<>();
        for (MutationResult result : results) {
            assertThat(result).isInstanceOf(MutationResult.Applied.class);
            versionsSeen.add(((MutationResult.Applied) result).cart().version());
        }
        // Every add saw its own version: 2..201, each exactly once.
        assertThat(versionsSeen).hasSize(ADDS);
        assertThat(versionsSeen).allMatch(version -> version >= 2 && version <= 1 + ADDS);
        Cart last = await(stores.get(0).find(cart.cartId())).orElseThrow();
        assertThat(last.version()).isEqualTo(1 + ADDS);
        for (int product = 0; product < expected.length; product++) {
            assertThat(last.line("p" + product).orElseThrow().quantity()).isEqualTo(expected[product]);
        }
    }
}
