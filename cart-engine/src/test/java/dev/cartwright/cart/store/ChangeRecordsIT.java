package dev.cartwright.cart.store;

import dev.cartwright.testkit.TestClock;
import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartCommand.AddItem;
import dev.cartwright.cart.CartCommand.ApplyPromotion;
import dev.cartwright.cart.CartCommand.ClearCart;
import dev.cartwright.cart.CartCommand.MarkAbandoned;
import dev.cartwright.cart.CartCommand.MarkConverted;
import dev.cartwright.cart.CartCommand.RemoveItem;
import dev.cartwright.cart.CartCommand.RemovePromotion;
import dev.cartwright.cart.CartCommand.SetQuantity;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.cart.store.change.CartChange;
import dev.cartwright.cart.store.change.CartChange.Abandoned;
import dev.cartwright.cart.store.change.CartChange.Applied;
import dev.cartwright.cart.store.change.CartChange.Cleared;
import dev.cartwright.cart.store.change.CartChange.Converted;
import dev.cartwright.cart.store.change.CartChange.Created;
import dev.cartwright.cart.store.change.CartChange.Gone;
import dev.cartwright.cart.store.change.CartChange.ItemAdded;
import dev.cartwright.cart.store.change.CartChange.ItemRemoved;
import dev.cartwright.cart.store.change.CartChange.ItemUpdated;
import dev.cartwright.cart.store.change.CartChange.Merged;
import dev.cartwright.cart.store.change.CartChange.OtherKind;
import dev.cartwright.cart.store.change.CartChange.PromotionApplied;
import dev.cartwright.cart.store.change.CartChange.PromotionRemoved;
import dev.cartwright.cart.store.change.CartChange.Unreadable;
import dev.cartwright.pricing.CartLimits;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;

/**
 * The change stream decoded into typed records, on a real Redis in both protocols: every kind the cart script
 * writes with its fields and the cart as the change left it, entries written field by field before the record was
 * packed, and entries that are malformed, of an unknown type, or deleted while pending.
 */
@ExtendWith(RealServices.class)
class ChangeRecordsIT {

    private static final CartLimits LIMITS = CartLimits.defaults();
    private static final Instant T0 = Instant.parse("2026-05-04T10:00:00.250Z");
    private static final AtomicInteger STREAMS = new AtomicInteger();

    private static StoreHarness harness;

    @BeforeAll
    static void open(PostgresInfo postgres, RedisInfo redis) {
        harness = StoreHarness.open(postgres, redis, "change_records");
    }

    @AfterAll
    static void close() {
        harness.close();
    }

    private static Redis client(ProtocolVersion protocol) {
        return Redis.createClient(harness.vertx, new RedisOptions().setConnectionString(harness.redisInfo.url())
            .setPreferredProtocolVersion(protocol));
    }

    private static CartStoreConfig freshConfig() {
        return harness.config.withStreamKey(harness.redisInfo.key("records-" + STREAMS.incrementAndGet()));
    }

    private static List<CartChange> range(Redis client, CartStoreConfig config) {
        return ChangeRecords.fromEntries(await(client.send(Request.cmd(Command.XRANGE).arg(config.streamKey()).arg("-").arg("+"))));
    }

    private static Cart applied(RedisCartStore store, Mutation mutation) {
        MutationResult result = await(store.apply(mutation));
        assertThat(result).isInstanceOf(MutationResult.Applied.class);
        return ((MutationResult.Applied) result).cart();
    }

    @Test
    void aChangeMadeInsideATraceKeepsItsTraceContextAndOneMadeOutsideKeepsNone() {
        CartStoreConfig config = freshConfig();
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Map<String, String> current = new HashMap<>();
        RedisCartStore store = await(RedisCartStore.create(harness.vertx, harness.redis, harness.repository, config,
            TestClock.at(T0), () -> Map.copyOf(current)));
        Cart cart = await(store.createOrGetActive("records-traced", "customer-8", "EUR", "DE", ""));
        current.put(RedisCartStore.TRACEPARENT, traceparent);
        current.put(RedisCartStore.TRACESTATE, "vendor=1");
        applied(store, Mutation.of(cart.cartId(), new AddItem("p1", "c1", "Mug", 1, 1_250, LIMITS)));
        // Outside any trace again: the entry keeps nothing.
        current.clear();
        applied(store, Mutation.of(cart.cartId(), new AddItem("p2", "c2", "Tea", 1, 400, LIMITS)));

        Redis client = client(ProtocolVersion.RESP3);
        List<CartChange> changes = range(client, config);
        client.close();
        assertThat(changes).hasSize(3).allMatch(c -> c instanceof Applied);
        assertThat(changes).extracting(c -> ((Applied) c).stamp().traceParent()).containsExactly("", traceparent, "");
        assertThat(changes).extracting(c -> ((Applied) c).stamp().traceState()).containsExactly("", "vendor=1", "");
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
    void everyKindTheScriptWritesComesBackAsItsRecordCarryingTheCartItLeft(ProtocolVersion protocol) {
        CartStoreConfig config = freshConfig();
        TestClock clock = TestClock.at(T0);
        RedisCartStore store = harness.store(clock, config);
        List<Cart> states = new ArrayList<>();
        Cart cart = await(store.createOrGetActive("records-" + protocol + "-1", "customer-7", "EUR", "DE", ""));
        states.add(cart);
        String id = cart.cartId();
        states.add(applied(store, Mutation.of(id, new AddItem("p1", "c1", "Mug", 2, 1_250, LIMITS))));
        states.add(applied(store, Mutation.of(id, new AddItem("p1", "c1", "Mug", 3, 1_250, LIMITS))));
        states.add(applied(store, Mutation.of(id, new SetQuantity("p1", 4, LIMITS))));
        states.add(applied(store, Mutation.of(id, new AddItem("p2", "c2", "Tea", 1, 400, LIMITS))));
        states.add(applied(store, Mutation.of(id, new RemoveItem("p2"))));
        states.add(applied(store, Mutation.of(id, new ApplyPromotion("SAVE5"))));
        states.add(applied(store, Mutation.of(id, new RemovePromotion("SAVE5"))));
        states.add(applied(store, Mutation.of(id, new ClearCart())));
        Cart other = await(store.createOrGetActive("records-" + protocol + "-2", "", "EUR", "DE", ""));
        applied(store, Mutation.of(other.cartId(), new AddItem("p3", "c3", "Pen", 2, 99, LIMITS)));
        Cart merged = await(store.merge(other.cartId(), id, LIMITS));
        states.add(merged);
        states.add(applied(store, Mutation.of(id, new MarkConverted("order-1", "checkout-1"))));
        Cart idle = await(store.createOrGetActive("records-" + protocol + "-3", "", "EUR", "DE", ""));
        applied(store, Mutation.of(idle.cartId(), new AddItem("p4", "c4", "Cup", 1, 300, LIMITS)));
        Cart abandoned = applied(store, Mutation.of(idle.cartId(), new MarkAbandoned()));

        Redis client = client(protocol);
        try {
            List<CartChange> changes = range(client, config).stream().filter(change -> change.cartId().equals(id)).toList();
            assertThat(changes).extracting(CartChange::type).containsExactly("cart.created", "cart.item.added", "cart.item.added",
                "cart.item.updated", "cart.item.added", "cart.item.removed", "cart.promotion.applied", "cart.promotion.removed",
                "cart.cleared", "cart.merged", "cart.converted");
            assertThat(changes.get(0)).isInstanceOf(Created.class);
            ItemAdded first = (ItemAdded) changes.get(1);
            assertThat(first.quantityAdded()).isEqualTo(2);
            assertThat(first.lineQuantity()).isEqualTo(2);
            ItemAdded second = (ItemAdded) changes.get(2);
            assertThat(second.productId()).isEqualTo("p1");
            assertThat(second.quantityAdded()).isEqualTo(3);
            assertThat(second.lineQuantity()).isEqualTo(5);
            assertThat(second.unitPriceMinor()).isEqualTo(1_250);
            ItemUpdated updated = (ItemUpdated) changes.get(3);
            assertThat(updated.quantity()).isEqualTo(4);
            assertThat(updated.previousQuantity()).isEqualTo(5);
            ItemRemoved removed = (ItemRemoved) changes.get(5);
            assertThat(removed.productId()).isEqualTo("p2");
            assertThat(removed.previousQuantity()).isEqualTo(1);
            assertThat(((PromotionApplied) changes.get(6)).code()).isEqualTo("SAVE5");
            assertThat(((PromotionRemoved) changes.get(7)).code()).isEqualTo("SAVE5");
            assertThat(((Cleared) changes.get(8)).linesRemoved()).isEqualTo(1);
            Merged fold = (Merged) changes.get(9);
            assertThat(fold.otherCartId()).isEqualTo(other.cartId());
            assertThat(fold.unitsAdded()).isEqualTo(2);
            Converted converted = (Converted) changes.get(10);
            assertThat(converted.orderId()).isEqualTo("order-1");
            assertThat(converted.checkoutId()).isEqualTo("checkout-1");

            for (int i = 0; i < changes.size(); i++) {
                Applied change = (Applied) changes.get(i);
                assertThat(change.version()).isEqualTo(i + 1L);
                assertThat(change.stamp().customerId()).isEqualTo("customer-7");
                assertThat(change.stamp().currency()).isEqualTo("EUR");
                assertThat(change.stamp().at()).isEqualTo(T0);
                assertThat(change.cart()).as("cart carried by %s", change.type()).isPresent();
                assertThat(change.cart().orElseThrow().decode().cart()).isEqualTo(states.get(i));
            }

            List<CartChange> ofIdle = range(client, config).stream().filter(change -> change.cartId().equals(idle.cartId())).toList();
            CartChange last = ofIdle.get(ofIdle.size() - 1);
            assertThat(last).isInstanceOf(Abandoned.class);
            assertThat(last.cart().orElseThrow().decode().cart()).isEqualTo(abandoned);
            assertThat(last.cart().orElseThrow().decode().cart().lines()).hasSize(1);
            List<CartChange> ofOther = range(client, config).stream().filter(change -> change.cartId().equals(other.cartId())).toList();
            Merged markedMerged = (Merged) ofOther.get(ofOther.size() - 1);
            assertThat(markedMerged.otherCartId()).isEqualTo(id);
            assertThat(markedMerged.unitsAdded()).isZero();
        } finally {
            await(client.close());
        }
    }

    @Test
    void anEntryWrittenFieldByFieldWithoutItsCartIsReadToo() {
        CartStoreConfig config = freshConfig();
        await(harness.redis.send(Request.cmd(Command.XADD).arg(config.streamKey()).arg("*").arg("cart_id").arg("c1")
            .arg("version").arg("3").arg("type").arg("cart.item.added").arg("customer_id").arg("").arg("product_id").arg("456")
            .arg("quantity").arg("3").arg("delta").arg("1").arg("unit_price").arg("999").arg("currency").arg("USD")
            .arg("at").arg(Long.toString(T0.toEpochMilli())).arg("field_from_the_future").arg("x")));

        List<CartChange> changes = range(harness.redis, config);

        assertThat(changes).hasSize(1);
        ItemAdded added = (ItemAdded) changes.get(0);
        assertThat(added.cartId()).isEqualTo("c1");
        assertThat(added.version()).isEqualTo(3);
        assertThat(added.lineQuantity()).isEqualTo(3);
        assertThat(added.quantityAdded()).isEqualTo(1);
        assertThat(added.unitPriceMinor()).isEqualTo(999);
        assertThat(added.stamp().at()).isEqualTo(T0);
        assertThat(added.cart()).isEmpty();
    }

    @Test
    void malformedAndUnknownEntriesBecomeValuesThatNameTheEntryAndTheField() {
        CartStoreConfig config = freshConfig();
        String nonNumeric = xadd(config, "cart_id", "c1", "type", "cart.item.added", "version", "seven");
        String tooBig = xadd(config, "cart_id", "c2", "type", "cart.item.updated", "version", "2", "quantity", "99999999999");
        String untyped = xadd(config, "cart_id", "c3", "version", "2");
        String unknown = xadd(config, "cart_id", "c4", "type", "cart.gift.wrapped", "version", "5", "at", "1000");
        String badPacking = xadd(config, "cart_id", "c5", "e", "\u00c1not msgpack");

        List<CartChange> changes = range(harness.redis, config);

        assertThat(changes).extracting(CartChange::entryId).containsExactly(nonNumeric, tooBig, untyped, unknown, badPacking);
        Unreadable first = (Unreadable) changes.get(0);
        assertThat(first.cartId()).isEqualTo("c1");
        assertThat(first.reason()).contains("version").contains("seven");
        assertThat(((Unreadable) changes.get(1)).reason()).contains("quantity");
        assertThat(((Unreadable) changes.get(2)).reason()).contains("type");
        OtherKind other = (OtherKind) changes.get(3);
        assertThat(other.type()).isEqualTo("cart.gift.wrapped");
        assertThat(other.version()).isEqualTo(5);
        assertThat(((Unreadable) changes.get(4)).reason()).contains("packed");
        assertThat(changes).allMatch(change -> change.cart().equals(Optional.empty()));
    }

    @Test
    void anEntryDeletedWhilePendingComesBackGone() {
        CartStoreConfig config = freshConfig();
        String kept = xadd(config, "cart_id", "c1", "type", "cart.created", "version", "1");
        String deleted = xadd(config, "cart_id", "c1", "type", "cart.cleared", "version", "2");
        await(new ChangeStream(harness.redis, config.streamKey()).ensureGroup("readers"));
        Request read = Request.cmd(Command.XREADGROUP).arg("GROUP").arg("readers").arg("reader-1").arg("STREAMS").arg(config.streamKey());
        assertThat(ChangeRecords.fromReadGroup(await(harness.redis.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg("readers")
            .arg("reader-1").arg("STREAMS").arg(config.streamKey()).arg(">"))))).hasSize(2);
        await(harness.redis.send(Request.cmd(Command.XDEL).arg(config.streamKey()).arg(deleted)));

        List<CartChange> pending = ChangeRecords.fromReadGroup(await(harness.redis.send(read.arg("0"))));

        assertThat(pending).hasSize(2);
        assertThat(pending.get(0)).isInstanceOf(Created.class);
        assertThat(pending.get(0).entryId()).isEqualTo(kept);
        assertThat(pending.get(1)).isEqualTo(new Gone(deleted));
    }

    private static String xadd(CartStoreConfig config, String... fieldsAndValues) {
        Request add = Request.cmd(Command.XADD).arg(config.streamKey()).arg("*");
        for (String part : fieldsAndValues) {
            add.arg(part);
        }
        return await(harness.redis.send(add)).toString();
    }
}
