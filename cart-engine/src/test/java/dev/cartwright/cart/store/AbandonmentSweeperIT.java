package dev.cartwright.cart.store;

import dev.cartwright.testkit.TestClock;
import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartCommand.AddItem;
import dev.cartwright.cart.CartStatus;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.pricing.CartLimits;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** The sweeper on real Redis and PostgreSQL: idle carts are marked abandoned exactly once, busy ones never. */
@ExtendWith(RealServices.class)
class AbandonmentSweeperIT {

    private static final Instant T0 = Instant.parse("2026-01-05T12:00:00Z");
    private static final Duration THIRTY_DAYS = Duration.ofDays(30);

    private static StoreHarness harness;
    private static final AtomicInteger IDS = new AtomicInteger();

    @BeforeAll
    static void open(PostgresInfo postgres, RedisInfo redis) {
        harness = StoreHarness.open(postgres, redis, "sweeper");
    }

    @AfterAll
    static void close() {
        harness.close();
    }

    private CartStoreConfig config(String name) {
        return harness.config.withStreamKey(harness.redisInfo.key("changes-" + name))
            .withAbandonment(THIRTY_DAYS, Duration.ofHours(1), 100);
    }

    /** A cart with one line, written to PostgreSQL as the write-behind would, and gone from Redis (idle TTL). */
    private Cart idleStoredCart(RedisCartStore store, CartStoreConfig config, boolean evict) {
        Cart cart = await(store.createOrGetActive("sweep-" + IDS.incrementAndGet(), "", "EUR", "DE", ""));
        MutationResult added = await(store.apply(Mutation.of(cart.cartId(),
            new AddItem("p1", "cat", "Kettle", 1, 3_999, CartLimits.defaults()))));
        Cart last = ((MutationResult.Applied) added).cart();
        writeBehindOnce(config, last.cartId());
        if (evict) {
            await(harness.redis.send(Request.cmd(Command.DEL).arg(config.cartKey(cart.cartId()))));
        }
        return last;
    }

    private static void writeBehindOnce(CartStoreConfig config, String cartId) {
        Response hash = await(harness.redis.send(Request.cmd(Command.HGETALL).arg(config.cartKey(cartId))));
        await(harness.repository.upsert(List.of(CartHash.decode(RedisReplies.fieldsAndValues(hash)))));
    }

    private static List<Map<String, String>> abandonedEntries(CartStoreConfig config, String cartId) {
        Response range = await(harness.redis.send(Request.cmd(Command.XRANGE).arg(config.streamKey()).arg("-").arg("+")));
        return StreamEntries.parse(range).stream().map(StreamEntries.Entry::fields)
            .filter(fields -> cartId.equals(fields.get("cart_id")) && "cart.abandoned".equals(fields.get("type"))).toList();
    }

    @Test
    void anIdleCartIsMarkedAbandonedExactlyOnceOverTwoSweeps() {
        CartStoreConfig config = config("once");
        TestClock clock = TestClock.at(T0);
        RedisCartStore store = harness.store(clock, config);
        Cart idle = idleStoredCart(store, config, true);
        Cart busy = idleStoredCart(store, config, false);
        clock.advance(THIRTY_DAYS.plusDays(1));
        // The busy cart was touched just now in Redis; PostgreSQL has not heard of it yet.
        await(store.apply(Mutation.of(busy.cartId(), new AddItem("p2", "cat", "Mug", 1, 999, CartLimits.defaults()))));
        AbandonmentSweeper sweeper = new AbandonmentSweeper(store, harness.repository, config, clock);

        assertThat(await(sweeper.sweepOnce())).isEqualTo(1);
        assertThat(await(sweeper.sweepOnce())).isZero();

        Cart abandoned = await(store.find(idle.cartId())).orElseThrow();
        assertThat(abandoned.status()).isEqualTo(CartStatus.ABANDONED);
        assertThat(abandoned.version()).isEqualTo(idle.version() + 1);
        assertThat(abandoned.lines()).isEqualTo(idle.lines());
        assertThat(abandonedEntries(config, idle.cartId())).hasSize(1);
        assertThat(await(store.find(busy.cartId()))).map(Cart::status).contains(CartStatus.ACTIVE);
        assertThat(abandonedEntries(config, busy.cartId())).isEmpty();

        // Once the write-behind stored the abandonment, PostgreSQL no longer offers the cart at all.
        writeBehindOnce(config, idle.cartId());
        assertThat(await(harness.repository.idleActiveCarts(clock.instant().minus(THIRTY_DAYS), 100))).doesNotContain(idle.cartId());
        assertThat(await(sweeper.sweepOnce())).isZero();
        assertThat(abandonedEntries(config, idle.cartId())).hasSize(1);
    }

    @Test
    void twoInstancesSweepingAtOnceMarkEachCartOnce() {
        CartStoreConfig config = config("twice");
        TestClock clock = TestClock.at(T0);
        RedisCartStore storeA = harness.store(clock, config);
        RedisCartStore storeB = harness.store(clock, config);
        List<Cart> idle = List.of(idleStoredCart(storeA, config, true), idleStoredCart(storeA, config, true),
            idleStoredCart(storeA, config, false));
        clock.advance(THIRTY_DAYS.plusHours(1));
        AbandonmentSweeper sweeperA = new AbandonmentSweeper(storeA, harness.repository, config, clock);
        AbandonmentSweeper sweeperB = new AbandonmentSweeper(storeB, harness.repository, config, clock);

        List<Integer> marked = await(Future.all(sweeperA.sweepOnce(), sweeperB.sweepOnce())).list();

        assertThat(marked.stream().mapToInt(Integer::intValue).sum()).isEqualTo(3);
        for (Cart cart : idle) {
            assertThat(abandonedEntries(config, cart.cartId())).hasSize(1);
            assertThat(await(storeA.find(cart.cartId()))).map(Cart::status).contains(CartStatus.ABANDONED);
        }
    }
}
