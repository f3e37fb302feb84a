package dev.cartwright.cart.store;

import dev.cartwright.testkit.TestClock;
import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartCommand.AddItem;
import dev.cartwright.cart.CartCommand.ClearCart;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.cart.MutationResult.Applied;
import dev.cartwright.cart.MutationResult.NotFound;
import dev.cartwright.cart.MutationResult.StaleVersion;
import dev.cartwright.pricing.CartLimits;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The expected owner of a change, checked by cart-mutate.lua in the same round trip as the change: a customer's cart
 * answers only to that customer (or to a change without an expected owner), a guest cart to everyone, and to anyone
 * else the cart looks exactly like one that does not exist, whatever else the request says. Real Redis and PostgreSQL.
 */
@ExtendWith(RealServices.class)
class CartOwnerCheckIT {

    private static final CartLimits LIMITS = new CartLimits(1, 10, 5);
    private static final AtomicInteger IDS = new AtomicInteger();

    private static StoreHarness harness;
    private static RedisCartStore store;

    @BeforeAll
    static void open(PostgresInfo postgres, RedisInfo redis) {
        harness = StoreHarness.open(postgres, redis, "cart_owner");
        store = harness.store(TestClock.at(Instant.parse("2026-04-01T09:00:00Z")));
    }

    @AfterAll
    static void close() {
        harness.close();
    }

    private static String newId() {
        return "owner-" + IDS.incrementAndGet();
    }

    private static Cart cartOf(String customer) {
        return await(store.createOrGetActive(newId(), customer, "EUR", "DE", ""));
    }

    private static String newCustomer() {
        return "customer-" + IDS.incrementAndGet();
    }

    private static AddItem add(String product, int quantity) {
        return new AddItem(product, "cat", "Name of " + product, quantity, 250, LIMITS);
    }

    private static MutationResult apply(Mutation mutation) {
        return await(store.apply(mutation));
    }

    private static Cart applied(Mutation mutation) {
        MutationResult result = apply(mutation);
        assertThat(result).isInstanceOf(Applied.class);
        return ((Applied) result).cart();
    }

    @Test
    void aCustomersCartChangesForThatCustomerAndForAChangeWithoutExpectedOwner() {
        String customer = newCustomer();
        Cart cart = cartOf(customer);

        Cart byOwner = applied(Mutation.of(cart.cartId(), add("p1", 2)).withExpectedOwner(customer));
        Cart byStaff = applied(Mutation.of(cart.cartId(), add("p1", 1)));

        assertThat(byOwner.version()).isEqualTo(2);
        assertThat(byStaff.version()).isEqualTo(3);
        assertThat(byStaff.line("p1").orElseThrow().quantity()).isEqualTo(3);
    }

    @Test
    void anotherCustomerOrAGuestFindsNoCartAndChangesNothing() {
        String customer = newCustomer();
        Cart cart = cartOf(customer);
        applied(Mutation.of(cart.cartId(), add("p1", 2)));
        long entries = streamLength();

        assertThat(apply(Mutation.of(cart.cartId(), add("p1", 1)).withExpectedOwner(newCustomer()))).isEqualTo(new NotFound());
        assertThat(apply(Mutation.of(cart.cartId(), new ClearCart()).withExpectedOwner(""))).isEqualTo(new NotFound());

        Cart now = await(store.find(cart.cartId())).orElseThrow();
        assertThat(now.version()).isEqualTo(2);
        assertThat(now.line("p1").orElseThrow().quantity()).isEqualTo(2);
        assertThat(streamLength()).isEqualTo(entries);
    }

    @Test
    void aGuestCartChangesForAnyCaller() {
        Cart cart = cartOf("");

        applied(Mutation.of(cart.cartId(), add("p1", 1)).withExpectedOwner(""));
        Cart after = applied(Mutation.of(cart.cartId(), add("p2", 1)).withExpectedOwner(newCustomer()));

        assertThat(after.lines()).hasSize(2);
        assertThat(after.customerId()).isEmpty();
    }

    @Test
    void theOwnerIsCheckedBeforeTheVersionSoAStrangerLearnsNothing() {
        String customer = newCustomer();
        Cart cart = cartOf(customer);
        applied(Mutation.of(cart.cartId(), add("p1", 1)));

        MutationResult stranger = apply(Mutation.of(cart.cartId(), add("p1", 1)).withExpectedVersion(1)
            .withExpectedOwner(newCustomer()));
        MutationResult owner = apply(Mutation.of(cart.cartId(), add("p1", 1)).withExpectedVersion(1).withExpectedOwner(customer));

        assertThat(stranger).isEqualTo(new NotFound());
        assertThat(owner).isEqualTo(new StaleVersion(2));
    }

    @Test
    void aRememberedReplyIsReplayedOnlyToACallerWhoMayReachTheCart() {
        String customer = newCustomer();
        Cart cart = cartOf(customer);
        Mutation first = Mutation.of(cart.cartId(), add("p1", 2)).withIdempotencyKey("owner-key-1").withExpectedOwner(customer);
        applied(first);

        MutationResult byStranger = apply(Mutation.of(cart.cartId(), add("p1", 2)).withIdempotencyKey("owner-key-1")
            .withExpectedOwner(newCustomer()));
        MutationResult byOwner = apply(first);

        assertThat(byStranger).isEqualTo(new NotFound());
        assertThat(byOwner).isInstanceOfSatisfying(Applied.class, replay -> {
            assertThat(replay.replayed()).isTrue();
            assertThat(replay.cart().version()).isEqualTo(2);
        });
    }

    @Test
    void aCartNoLongerInRedisIsCheckedTheSameWayAfterItIsLoadedBack() {
        String customer = newCustomer();
        Cart cart = cartOf(customer);
        applied(Mutation.of(cart.cartId(), add("p1", 1)));
        evict(cart.cartId());

        assertThat(apply(Mutation.of(cart.cartId(), add("p1", 1)).withExpectedOwner(newCustomer()))).isEqualTo(new NotFound());
        Cart byOwner = applied(Mutation.of(cart.cartId(), add("p1", 1)).withExpectedOwner(customer));

        assertThat(byOwner.version()).isEqualTo(3);
        assertThat(byOwner.line("p1").orElseThrow().quantity()).isEqualTo(2);
    }

    /** Writes the cart to PostgreSQL as the write-behind would, then drops it from Redis as the idle TTL would. */
    private static void evict(String cartId) {
        Response hash = await(harness.redis.send(Request.cmd(Command.HGETALL).arg(harness.config.cartKey(cartId))));
        await(harness.repository.upsert(List.of(CartHash.decode(RedisReplies.fieldsAndValues(hash)))));
        await(harness.redis.send(Request.cmd(Command.DEL).arg(harness.config.cartKey(cartId))));
    }

    private static long streamLength() {
        return await(harness.redis.send(Request.cmd(Command.XLEN).arg(harness.config.streamKey()))).toLong();
    }
}
