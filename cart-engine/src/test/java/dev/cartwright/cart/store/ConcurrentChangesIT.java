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

    @Test
    void twoHundredConcurrentAddsToOneCartAreAllKept() {
        // Several independent clients, each with a pool of connections: the adds really arrive interleaved.
        List<RedisCartStore> stores = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Redis client = Redis.createClient(harness.vertx, new RedisOptions().setConnectionString(harness.redisInfo.url())
                .setMaxPoolSize(8).setMaxPoolWaiting(1024));
            CLIENT_POOLS.add(client);
            stores.add(await(RedisCartStore.create(harness.vertx, client, harness.repository, harness.config, Clock.systemUTC())));
        }
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
