package dev.cartwright.cart.store;

import dev.cartwright.testkit.TestClock;
import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.cartwright.cart.CartCommand.ApplyPromotion;
import dev.cartwright.cart.CartCommand.ClearCart;
import dev.cartwright.cart.CartCommand.MarkConverted;
import dev.cartwright.cart.CartCommand.RemoveItem;
import dev.cartwright.cart.CartCommand.RemovePromotion;
import dev.cartwright.cart.CartCommand.SetQuantity;
import dev.cartwright.cart.CartLine;
import dev.cartwright.cart.CartMutationException;
import dev.cartwright.cart.CartStatus;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.cart.MutationResult.Applied;
import dev.cartwright.cart.MutationResult.NotFound;
import dev.cartwright.cart.MutationResult.Refused;
import dev.cartwright.cart.MutationResult.StaleVersion;
import dev.cartwright.cart.Refusal;
import dev.cartwright.pricing.CartLimits;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** The cart script's rules on a real Redis: creation, lines, limits, idempotency, versions, promotions, merging. */
@ExtendWith(RealServices.class)
class RedisCartStoreIT {

    private static final CartLimits LIMITS = new CartLimits(1, 10, 3);
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123Z");

    private static StoreHarness harness;
    private static TestClock clock;
    private static RedisCartStore store;
    private static final AtomicInteger IDS = new AtomicInteger();

    @BeforeAll
    static void open(PostgresInfo postgres, RedisInfo redis) {
        harness = StoreHarness.open(postgres, redis, "cart_store");
        clock = TestClock.at(T0);
        store = harness.store(clock);
    }

    @AfterAll
    static void close() {
        harness.close();
    }

    private static String newId() {
        return "cart-" + IDS.incrementAndGet();
    }

    private static Cart guestCart() {
        return await(store.createOrGetActive(newId(), "", "EUR", "DE", ""));
    }

    private static AddItem add(String product, int quantity, long price) {
        return new AddItem(product, "cat-" + product, "Name of " + product, quantity, price, LIMITS);
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
    void idempotencyRecordsLiveAsLongAsTheConfiguredTtlInRedis() {
        Duration hour = Duration.ofHours(1);
        RedisCartStore hourStore = harness.store(clock, harness.config.withIdempotencyTtl(hour));
        String createKey = "ttl-create-" + IDS.incrementAndGet();
        Cart cart = await(hourStore.createOrGetActive(newId(), "", "EUR", "DE", createKey));
        assertThat(await(hourStore.apply(Mutation.of(cart.cartId(), add("p1", 1, 100)).withIdempotencyKey("ttl-add"))))
            .isInstanceOf(Applied.class);

        for (String key : List.of(harness.config.createRequestKey(createKey), harness.config.idempotencyKey(cart.cartId(), "ttl-add"))) {
            long pttl = await(harness.redis.send(Request.cmd(Command.PTTL).arg(key))).toLong();
            // Set a moment ago with a one-hour TTL: at most an hour left (the default would leave up to a day), and not much less.
            assertThat(pttl).as(key).isLessThanOrEqualTo(hour.toMillis()).isGreaterThan(hour.minus(StoreHarness.WAIT).toMillis());
        }

        Cart other = guestCart();
        applied(Mutation.of(other.cartId(), add("p1", 1, 100)).withIdempotencyKey("ttl-default"));
        long pttl = await(harness.redis.send(Request.cmd(Command.PTTL).arg(harness.config.idempotencyKey(other.cartId(), "ttl-default"))))
            .toLong();
        assertThat(pttl).as("the default store keeps its day").isGreaterThan(hour.toMillis())
            .isLessThanOrEqualTo(Duration.ofHours(24).toMillis());
    }

    @Test
    void aNewGuestCartIsEmptyActiveAtVersionOne() {
        Cart cart = guestCart();

        assertThat(cart.status()).isEqualTo(CartStatus.ACTIVE);
        assertThat(cart.version()).isEqualTo(1);
        assertThat(cart.lines()).isEmpty();
        assertThat(cart.customerId()).isEmpty();
        assertThat(cart.currency()).isEqualTo("EUR");
        assertThat(cart.region()).isEqualTo("DE");
        assertThat(cart.createdAt()).isEqualTo(T0);
        assertThat(await(store.find(cart.cartId()))).contains(cart);
    }

    @Test
    void addingTheSameProductTwiceAddsToItsLineAndBumpsTheVersionEachTime() {
        Cart cart = guestCart();

        applied(Mutation.of(cart.cartId(), add("p1", 2, 1_999)));
        Cart after = applied(Mutation.of(cart.cartId(), add("p1", 3, 1_899)));

        assertThat(after.version()).isEqualTo(3);
        assertThat(after.lines()).hasSize(1);
        CartLine line = after.lines().get(0);
        assertThat(line.quantity()).isEqualTo(5);
        assertThat(line.unitPriceMinor()).isEqualTo(1_899);
        assertThat(line.categoryId()).isEqualTo("cat-p1");
        assertThat(line.name()).isEqualTo("Name of p1");
        assertThat(line.addedAt()).isEqualTo(T0);
    }

    @Test
    void aLineCannotGrowPastTheQuantityLimitAndACartPastTheLineLimit() {
        Cart cart = guestCart();
        applied(Mutation.of(cart.cartId(), add("p1", 8, 100)));

        assertThat(apply(Mutation.of(cart.cartId(), add("p1", 3, 100))))
            .isInstanceOfSatisfying(Refused.class, refused -> assertThat(refused.reason()).isEqualTo(Refusal.QUANTITY_LIMIT));
        assertThat(apply(Mutation.of(cart.cartId(), add("p2", 11, 100))))
            .isInstanceOfSatisfying(Refused.class, refused -> assertThat(refused.reason()).isEqualTo(Refusal.QUANTITY_LIMIT));
        applied(Mutation.of(cart.cartId(), add("p2", 1, 100)));
        applied(Mutation.of(cart.cartId(), add("p3", 1, 100)));
        assertThat(apply(Mutation.of(cart.cartId(), add("p4", 1, 100))))
            .isInstanceOfSatisfying(Refused.class, refused -> assertThat(refused.reason()).isEqualTo(Refusal.LINE_LIMIT));

        Cart now = await(store.find(cart.cartId())).orElseThrow();
        assertThat(now.version()).isEqualTo(4);
        assertThat(now.line("p1").orElseThrow().quantity()).isEqualTo(8);
        assertThat(now.line("p4")).isEmpty();
    }

    @Test
    void setQuantityReplacesTheQuantityAndZeroRemovesTheLine() {
        Cart cart = guestCart();
        applied(Mutation.of(cart.cartId(), add("p1", 2, 100)));
        applied(Mutation.of(cart.cartId(), add("p2", 2, 100)));

        Cart set = applied(Mutation.of(cart.cartId(), new SetQuantity("p1", 7, LIMITS)));
        assertThat(set.line("p1").orElseThrow().quantity()).isEqualTo(7);

        Cart removed = applied(Mutation.of(cart.cartId(), new SetQuantity("p1", 0, LIMITS)));
        assertThat(removed.line("p1")).isEmpty();
        assertThat(removed.lines()).extracting(CartLine::productId).containsExactly("p2");

        assertThat(apply(Mutation.of(cart.cartId(), new SetQuantity("p1", 3, LIMITS))))
            .isInstanceOfSatisfying(Refused.class, refused -> assertThat(refused.reason()).isEqualTo(Refusal.NO_SUCH_LINE));
        assertThat(apply(Mutation.of(cart.cartId(), new SetQuantity("p2", 11, LIMITS))))
            .isInstanceOfSatisfying(Refused.class, refused -> assertThat(refused.reason()).isEqualTo(Refusal.QUANTITY_LIMIT));
        assertThat(apply(Mutation.of(cart.cartId(), new RemoveItem("p9"))))
            .isInstanceOfSatisfying(Refused.class, refused -> assertThat(refused.reason()).isEqualTo(Refusal.NO_SUCH_LINE));

        Cart cleared = applied(Mutation.of(cart.cartId(), new ClearCart()));
        assertThat(cleared.lines()).isEmpty();
        assertThat(cleared.version()).isEqualTo(6);
    }

    @Test
    void aRetriedRequestWithTheSameIdempotencyKeyAppliesOnceAndGetsTheFirstReply() {
        Cart cart = guestCart();
        Mutation addTwo = Mutation.of(cart.cartId(), add("p1", 2, 100)).withIdempotencyKey("request-1");
        long entriesBefore = streamLength();

        MutationResult first = apply(addTwo);
        MutationResult retried = apply(addTwo);

        assertThat(first).isInstanceOfSatisfying(Applied.class, applied -> assertThat(applied.replayed()).isFalse());
        assertThat(retried).isInstanceOfSatisfying(Applied.class, applied -> {
            assertThat(applied.replayed()).isTrue();
            assertThat(applied.cart()).isEqualTo(((Applied) first).cart());
        });
        Cart now = await(store.find(cart.cartId())).orElseThrow();
        assertThat(now.line("p1").orElseThrow().quantity()).isEqualTo(2);
        assertThat(now.version()).isEqualTo(2);
        assertThat(streamLength()).isEqualTo(entriesBefore + 1);
    }

    @Test
    void theSameKeyWithAnotherRequestIsRefusedAndNeitherReplaysNorChangesAnything() {
        // Failed before keys carried a fingerprint: the second request got the first one's reply back.
        Cart cart = guestCart();
        applied(Mutation.of(cart.cartId(), add("p1", 2, 100)).withIdempotencyKey("reused-1"));
        long entriesBefore = streamLength();

        MutationResult other = apply(Mutation.of(cart.cartId(), add("p2", 1, 100)).withIdempotencyKey("reused-1"));

        assertThat(other).isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).isEqualTo(Refusal.KEY_REUSED));
        Cart now = await(store.find(cart.cartId())).orElseThrow();
        assertThat(now.line("p2")).isEmpty();
        assertThat(now.version()).isEqualTo(2);
        assertThat(streamLength()).isEqualTo(entriesBefore);
    }

    @Test
    void aGivenFingerprintDecidesWhatTheSameRequestIsNotTheLookedUpPrice() {
        Cart cart = guestCart();
        applied(Mutation.of(cart.cartId(), add("p1", 1, 100)).withIdempotencyKey("fp-1", "request-a"));

        MutationResult retried = apply(Mutation.of(cart.cartId(), add("p1", 1, 120)).withIdempotencyKey("fp-1", "request-a"));
        MutationResult another = apply(Mutation.of(cart.cartId(), add("p1", 1, 100)).withIdempotencyKey("fp-1", "request-b"));

        assertThat(retried).isInstanceOfSatisfying(Applied.class, a -> {
            assertThat(a.replayed()).isTrue();
            assertThat(a.cart().line("p1").orElseThrow().quantity()).isEqualTo(1);
        });
        assertThat(another).isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).isEqualTo(Refusal.KEY_REUSED));
    }

    @Test
    void whatAKeyRemembersIsSmallWhateverTheCartAndEveryKeyIsCounted() {
        IdempotencyKeyCount count = new IdempotencyKeyCount(harness.redis, harness.config, clock, new SimpleMeterRegistry());
        long before = await(count.count());
        Cart cart = guestCart();
        for (String product : List.of("p1", "p2", "p3")) {
            applied(Mutation.of(cart.cartId(), new AddItem(product, "cat", "A long product name ".repeat(20), 1, 100, LIMITS)));
        }

        applied(Mutation.of(cart.cartId(), new SetQuantity("p1", 5, LIMITS)).withIdempotencyKey("small-1"));
        applied(Mutation.of(cart.cartId(), new SetQuantity("p2", 5, LIMITS)).withIdempotencyKey("small-2"));
        apply(Mutation.of(cart.cartId(), new SetQuantity("p2", 5, LIMITS)).withIdempotencyKey("small-2"));

        String key = harness.config.idempotencyKey(cart.cartId(), "small-1");
        Response remembered = await(harness.redis.send(Request.cmd(Command.GET).arg(key)));
        Response hash = await(harness.redis.send(Request.cmd(Command.HGETALL).arg(harness.config.cartKey(cart.cartId()))));
        int cartBytes = 0;
        for (String field : hash.getKeys()) {
            cartBytes += field.length() + hash.get(field).toBytes().length;
        }
        assertThat(remembered.toBytes().length).isLessThan(64);
        assertThat(cartBytes).isGreaterThan(1000);
        Response ttl = await(harness.redis.send(Request.cmd(Command.TTL).arg(key)));
        assertThat(ttl.toLong()).isBetween(1L, harness.config.idempotencyTtl().toSeconds());
        assertThat(await(count.count())).isEqualTo(before + 2);
    }

    @Test
    void aGuestCreateKeyUsedForAnotherCreateIsRefused() {
        String key = "create-reused-" + IDS.incrementAndGet();
        await(store.createOrGetActive(newId(), "", "EUR", "DE", key));

        assertThatThrownBy(() -> await(store.createOrGetActive(newId(), "", "EUR", "AT", key)))
            .isInstanceOfSatisfying(CartMutationException.class,
                e -> assertThat(e.result()).isInstanceOfSatisfying(Refused.class,
                    r -> assertThat(r.reason()).isEqualTo(Refusal.KEY_REUSED)));
    }

    @Test
    void aStaleExpectedVersionChangesNothingAndReportsTheCurrentVersion() {
        Cart cart = guestCart();
        applied(Mutation.of(cart.cartId(), add("p1", 1, 100)).withExpectedVersion(1));

        MutationResult stale = apply(Mutation.of(cart.cartId(), add("p1", 1, 100)).withExpectedVersion(1));

        assertThat(stale).isEqualTo(new StaleVersion(2));
        assertThat(await(store.find(cart.cartId())).orElseThrow().line("p1").orElseThrow().quantity()).isEqualTo(1);
    }

    @Test
    void promotionCodesKeepTheirOrderAndAreAppliedOnce() {
        Cart cart = guestCart();
        applied(Mutation.of(cart.cartId(), new ApplyPromotion("SPRING10")));
        applied(Mutation.of(cart.cartId(), new ApplyPromotion("FREESHIP")));

        assertThat(apply(Mutation.of(cart.cartId(), new ApplyPromotion("SPRING10"))))
            .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).isEqualTo(Refusal.PROMOTION_ALREADY_APPLIED));
        assertThat(apply(Mutation.of(cart.cartId(), new RemovePromotion("NOPE"))))
            .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).isEqualTo(Refusal.PROMOTION_NOT_APPLIED));
        Cart after = applied(Mutation.of(cart.cartId(), new ApplyPromotion("BULK")));
        assertThat(after.promotionCodes()).containsExactly("SPRING10", "FREESHIP", "BULK");

        Cart removed = applied(Mutation.of(cart.cartId(), new RemovePromotion("FREESHIP")));
        assertThat(removed.promotionCodes()).containsExactly("SPRING10", "BULK");
    }

    @Test
    void anUnknownCartIsNotFound() {
        assertThat(apply(Mutation.of("no-such-cart", add("p1", 1, 100)))).isEqualTo(new NotFound());
        assertThat(await(store.find("no-such-cart"))).isEmpty();
    }

    @Test
    void aCustomerHasOneActiveCartAndGetsANewOneAfterConverting() {
        String customer = "customer-" + IDS.incrementAndGet();
        Cart first = await(store.createOrGetActive(newId(), customer, "EUR", "DE", ""));
        Cart again = await(store.createOrGetActive(newId(), customer, "EUR", "DE", ""));

        assertThat(again.cartId()).isEqualTo(first.cartId());
        assertThat(await(store.activeCartOf(customer))).map(Cart::cartId).contains(first.cartId());

        applied(Mutation.of(first.cartId(), new MarkConverted("order-1", "checkout-1")));
        assertThat(await(store.activeCartOf(customer))).isEmpty();
        assertThat(apply(Mutation.of(first.cartId(), add("p1", 1, 100))))
            .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).isEqualTo(Refusal.NOT_ACTIVE));

        Cart next = await(store.createOrGetActive(newId(), customer, "EUR", "DE", ""));
        assertThat(next.cartId()).isNotEqualTo(first.cartId());
        assertThat(next.status()).isEqualTo(CartStatus.ACTIVE);
    }

    @Test
    void aGuestCreateRetriedWithTheSameKeyReturnsTheFirstCart() {
        Cart first = await(store.createOrGetActive(newId(), "", "EUR", "DE", "create-key-" + IDS.incrementAndGet()));
        String key = "create-key-" + IDS.incrementAndGet();
        Cart a = await(store.createOrGetActive(newId(), "", "EUR", "DE", key));
        Cart b = await(store.createOrGetActive(newId(), "", "EUR", "DE", key));

        assertThat(b.cartId()).isEqualTo(a.cartId());
        assertThat(a.cartId()).isNotEqualTo(first.cartId());
    }

    @Test
    void mergingSumsQuantitiesUpToTheLimitMarksTheSourceAndIsIdempotent() {
        Cart source = guestCart();
        String customer = "customer-" + IDS.incrementAndGet();
        Cart target = await(store.createOrGetActive(newId(), customer, "EUR", "DE", ""));
        applied(Mutation.of(source.cartId(), add("p1", 6, 100)));
        applied(Mutation.of(source.cartId(), add("p2", 1, 200)));
        applied(Mutation.of(source.cartId(), new ApplyPromotion("WELCOME")));
        applied(Mutation.of(target.cartId(), add("p1", 7, 100)));

        Cart merged = await(store.merge(source.cartId(), target.cartId(), LIMITS));

        assertThat(merged.line("p1").orElseThrow().quantity()).isEqualTo(10);
        assertThat(merged.line("p2").orElseThrow().quantity()).isEqualTo(1);
        assertThat(merged.promotionCodes()).containsExactly("WELCOME");
        Cart mergedSource = await(store.find(source.cartId())).orElseThrow();
        assertThat(mergedSource.status()).isEqualTo(CartStatus.MERGED);
        assertThat(mergedSource.mergedInto()).isEqualTo(target.cartId());

        long entries = streamLength();
        Cart again = await(store.merge(source.cartId(), target.cartId(), LIMITS));
        assertThat(again).isEqualTo(merged);
        assertThat(streamLength()).isEqualTo(entries);

        assertThatThrownBy(() -> await(store.merge(source.cartId(), guestCart().cartId(), LIMITS)))
            .isInstanceOfSatisfying(CartMutationException.class,
                e -> assertThat(e.result()).isInstanceOfSatisfying(Refused.class,
                    r -> assertThat(r.reason()).isEqualTo(Refusal.NOT_ACTIVE)));
    }

    @Test
    void everyChangeLandsInTheStreamWithTheAgreedFields() {
        Cart cart = guestCart();
        applied(Mutation.of(cart.cartId(), add("p1", 2, 1_999)));
        applied(Mutation.of(cart.cartId(), new SetQuantity("p1", 5, LIMITS)));
        applied(Mutation.of(cart.cartId(), new RemoveItem("p1")));

        List<Map<String, String>> entries = entriesOf(cart.cartId());
        assertThat(entries).extracting(entry -> entry.get("type"))
            .containsExactly("cart.created", "cart.item.added", "cart.item.updated", "cart.item.removed");
        assertThat(entries).extracting(entry -> entry.get("version")).containsExactly("1", "2", "3", "4");
        Map<String, String> added = entries.get(1);
        assertThat(added).containsEntry("product_id", "p1").containsEntry("quantity", "2").containsEntry("delta", "2")
            .containsEntry("unit_price", "1999").containsEntry("currency", "EUR").containsEntry("customer_id", "")
            .containsEntry("at", Long.toString(T0.toEpochMilli()));
        assertThat(entries.get(2)).containsEntry("quantity", "5").containsEntry("delta", "2");
        assertThat(entries.get(3)).containsEntry("quantity", "0").containsEntry("delta", "5");
    }

    @Test
    void aChangeRecordTravelsPackedAndIsReadBackWithItsFieldsWhicheverWayItWasWritten() {
        Cart cart = guestCart();
        applied(Mutation.of(cart.cartId(), add("p1", 2, 1_999)));
        Response range = await(harness.redis.send(Request.cmd(Command.XRANGE).arg(harness.config.streamKey()).arg("-").arg("+")));
        Response last = range.get(range.size() - 1);

        assertThat(last.get(1).size()).as("field/value elements of the raw entry").isEqualTo(6);
        assertThat(last.get(1).get(0).toString()).isEqualTo("cart_id");
        assertThat(last.get(1).get(2).toString()).isEqualTo(StreamEntries.PACKED);
        assertThat(last.get(1).get(4).toString()).isEqualTo(StreamEntries.PACKED_CART);
        Map<String, String> packed = StreamEntries.fields(last.get(1));
        assertThat(packed).containsEntry("cart_id", cart.cartId()).containsEntry("type", "cart.item.added")
            .containsEntry("version", "2").containsEntry("quantity", "2").containsEntry("unit_price", "1999")
            .doesNotContainKeys(StreamEntries.PACKED, StreamEntries.PACKED_CART);
        // The entry carries the cart as the change left it, the same cart the reply carried.
        StoredCart carried = CartHash.decodePacked(StreamEntries.parse(range).get(range.size() - 1).packedCart());
        assertThat(carried.cart()).isEqualTo(await(store.find(cart.cartId())).orElseThrow());
        assertThat(carried.cart().version()).isEqualTo(2);

        String flatId = await(harness.redis.send(Request.cmd(Command.XADD).arg(harness.config.streamKey()).arg("*")
            .arg("cart_id").arg(cart.cartId()).arg("type").arg("cart.cleared").arg("version").arg("3"))).toString();
        Response flat = await(harness.redis.send(Request.cmd(Command.XRANGE).arg(harness.config.streamKey()).arg(flatId).arg(flatId)));
        assertThat(StreamEntries.parse(flat).get(0).fields())
            .containsExactlyInAnyOrderEntriesOf(Map.of("cart_id", cart.cartId(), "type", "cart.cleared", "version", "3"));
    }

    private static long streamLength() {
        return await(harness.redis.send(Request.cmd(Command.XLEN).arg(harness.config.streamKey()))).toLong();
    }

    static List<Map<String, String>> entriesOf(String cartId) {
        Response range = await(harness.redis.send(Request.cmd(Command.XRANGE).arg(harness.config.streamKey()).arg("-").arg("+")));
        return StreamEntries.parse(range).stream().map(StreamEntries.Entry::fields)
            .filter(fields -> cartId.equals(fields.get("cart_id"))).toList();
    }
}
