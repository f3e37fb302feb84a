package dev.cartwright.checkout.carts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartCommand;
import dev.cartwright.cart.CartIds;
import dev.cartwright.cart.CartLine;
import dev.cartwright.cart.CartStatus;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.cart.Refusal;
import dev.cartwright.cart.store.CartStore;
import dev.cartwright.checkout.carts.CartOutcome.CartNotFound;
import dev.cartwright.checkout.carts.CartOutcome.Invalid;
import dev.cartwright.checkout.carts.CartOutcome.Kind;
import dev.cartwright.checkout.carts.CartOutcome.NotSellable;
import dev.cartwright.checkout.carts.CartOutcome.NotTheCustomer;
import dev.cartwright.checkout.carts.CartOutcome.OutOfStock;
import dev.cartwright.checkout.carts.CartOutcome.Priced;
import dev.cartwright.checkout.carts.CartOutcome.ProductNotFound;
import dev.cartwright.checkout.carts.CartOutcome.PromotionRejected;
import dev.cartwright.checkout.carts.CartOutcome.Refused;
import dev.cartwright.checkout.carts.CartOutcome.StaleVersion;
import dev.cartwright.checkout.carts.CartOutcome.StoreUnavailable;
import dev.cartwright.checkout.catalogue.Catalogue;
import dev.cartwright.checkout.catalogue.CatalogueSnapshot;
import dev.cartwright.checkout.catalogue.TaxRules;
import dev.cartwright.pricing.CartLimits;
import dev.cartwright.pricing.Money;
import dev.cartwright.pricing.PriceBook;
import dev.cartwright.pricing.PriceEntry;
import dev.cartwright.pricing.PricingCore;
import dev.cartwright.pricing.Promotion;
import dev.cartwright.pricing.PromotionRule;
import dev.cartwright.pricing.PromotionSet;
import dev.cartwright.pricing.RejectionReason;
import dev.cartwright.pricing.Target;
import dev.cartwright.service.auth.Caller;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each cart use case's decisions, one outcome at a time: lookups in the one snapshot it was given, ownership, the
 * promotion rules and usage, and what each store answer means. The store here is a scripted stand-in: what the real
 * store does with a change is CartServiceIT's subject; this test is about what the commands send it and make of its answer.
 */
class CartCommandsTest {

    private static final Currency USD = Currency.getInstance("USD");
    private static final Instant NOW = Instant.parse("2026-12-03T08:00:00Z");
    private static final String CART = "k2v7c3mqa4t6x1zr8pbn0sdf5e";

    private final ScriptedStore store = new ScriptedStore();
    private final List<String> usageAsked = new ArrayList<>();
    private Map<String, Integer> usage = Map.of();
    private Catalogue catalogue;
    private CartCommands commands;

    @BeforeEach
    void setUp() {
        Promotion once = Promotion.simple("ONCE", new PromotionRule.AmountOff(Money.of(100, USD), Target.wholeOrder()), USD)
            .withUsageLimitPerCustomer(1);
        Promotion always = Promotion.simple("ALWAYS", new PromotionRule.AmountOff(Money.of(100, USD), Target.wholeOrder()), USD);
        PricingCore pricing = new PricingCore(PriceBook.of(USD, List.of(
                new PriceEntry("mug", Money.of(1299, USD), "kitchen", true, "standard"),
                new PriceEntry("old", Money.of(199, USD), "kitchen", false, "standard"))),
            PromotionSet.of(3, List.of(once, always)), TaxRules.parse("CARTWRIGHT_TAX_REGIONS", TaxRules.DEFAULT),
            CartLimits.defaults());
        catalogue = new Catalogue(pricing);
        catalogue.update(now -> now.withName("mug", "Blue mug").withStock("mug", 5));
        commands = new CartCommands(store, catalogue, (customer, codes) -> {
            usageAsked.add(customer + ":" + codes);
            return Future.succeededFuture(usage);
        }, new CartIds(new Random(7)), Clock.fixed(NOW, ZoneOffset.UTC), "US");
    }

    @Test
    void anItemIsAddedAtThePriceUnderTheNameAndWithinTheStockOfTheSnapshotRead() {
        CatalogueSnapshot at = commands.snapshot();
        catalogue.update(now -> now.withName("mug", "Renamed mug").withStock("mug", 0));
        store.answer = applied(cart("", line("mug", 2)));

        CartOutcome outcome = commands.addItem(at, Caller.customer("c1"), CART, "mug", 2, OptionalLong.of(3),
            new RequestKey("k-scoped", "fp")).result();

        assertThat(outcome).isInstanceOf(Priced.class);
        Mutation sent = store.applied.get(0);
        assertThat(sent.command()).isEqualTo(new CartCommand.AddItem("mug", "kitchen", "Blue mug", 2, 1299,
            at.pricing().limits()));
        assertThat(sent.expectedVersion()).hasValue(3);
        assertThat(sent.idempotencyKey()).isEqualTo("k-scoped");
        assertThat(sent.requestFingerprint()).isEqualTo("fp");
        assertThat(sent.expectedOwner()).as("the store checks the owner in the same round trip").hasValue("c1");
        assertThat(((Priced) outcome).totals().subtotal()).isEqualTo(2 * 1299);
        assertThat(((Priced) outcome).pricing()).isSameAs(at.pricing());
    }

    @Test
    void productsTheCatalogueCannotSellAreRefusedBeforeTheStoreIsAsked() {
        CatalogueSnapshot at = commands.snapshot();
        Caller caller = Caller.customer("c1");

        assertThat(commands.addItem(at, caller, CART, "nope", 1, OptionalLong.empty(), RequestKey.NONE).result())
            .isEqualTo(new ProductNotFound("nope"));
        assertThat(commands.addItem(at, caller, CART, "old", 1, OptionalLong.empty(), RequestKey.NONE).result())
            .isEqualTo(new NotSellable("old"));
        assertThat(commands.addItem(at, caller, CART, "mug", 6, OptionalLong.empty(), RequestKey.NONE).result())
            .isEqualTo(new OutOfStock("mug", 5, 6));
        assertThat(commands.setQuantity(at, caller, CART, "mug", 9, OptionalLong.empty(), RequestKey.NONE).result())
            .isEqualTo(new OutOfStock("mug", 5, 9));
        assertThat(store.applied).isEmpty();
    }

    @Test
    void settingAQuantityToZeroNeedsNoStock() {
        catalogue.update(now -> now.withStock("mug", 0));
        store.answer = applied(cart(""));

        CartOutcome outcome = commands.setQuantity(commands.snapshot(), Caller.customer("c1"), CART, "mug", 0, OptionalLong.empty(),
            RequestKey.NONE).result();

        assertThat(outcome).isInstanceOf(Priced.class);
        assertThat(store.applied).hasSize(1);
    }

    @Test
    void whoMayChangeACartIsSentAsTheExpectedOwner() {
        store.answer = applied(cart(""));
        CatalogueSnapshot at = commands.snapshot();

        commands.clear(at, Caller.staff("ops-1"), CART, OptionalLong.empty(), RequestKey.NONE);
        commands.clear(at, Caller.developer(), CART, OptionalLong.empty(), RequestKey.NONE);
        commands.clear(at, Caller.guest(), CART, OptionalLong.empty(), RequestKey.NONE);
        commands.clear(at, Caller.customer("c9"), CART, OptionalLong.empty(), RequestKey.NONE);

        assertThat(store.applied).extracting(Mutation::expectedOwner)
            .containsExactly(Optional.empty(), Optional.empty(), Optional.of(""), Optional.of("c9"));
    }

    @Test
    void eachStoreAnswerIsItsOwnOutcome() {
        CatalogueSnapshot at = commands.snapshot();
        Caller caller = Caller.customer("c1");

        store.answer = Future.succeededFuture(new MutationResult.StaleVersion(8));
        assertThat(commands.removeItem(at, caller, CART, "mug", OptionalLong.of(7), RequestKey.NONE).result())
            .isEqualTo(new StaleVersion(OptionalLong.of(7), 8));
        store.answer = Future.succeededFuture(new MutationResult.Refused(Refusal.NO_SUCH_LINE, "mug"));
        assertThat(commands.removeItem(at, caller, CART, "mug", OptionalLong.empty(), RequestKey.NONE).result())
            .isEqualTo(new Refused(Refusal.NO_SUCH_LINE, "mug"));
        store.answer = Future.succeededFuture(new MutationResult.NotFound());
        assertThat(commands.removeItem(at, caller, CART, "mug", OptionalLong.empty(), RequestKey.NONE).result())
            .isEqualTo(new CartNotFound(CART));
        store.answer = Future.failedFuture(new IllegalStateException("connection refused"));
        CartOutcome down = commands.removeItem(at, caller, CART, "mug", OptionalLong.empty(), RequestKey.NONE).result();
        assertThat(down).isEqualTo(new StoreUnavailable("connection refused"));
        assertThat(((CartOutcome.Failure) down).kind()).isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void aCartIdNoCartCanHaveIsNotFoundWithoutAskingTheStore() {
        CartOutcome outcome = commands.clear(commands.snapshot(), Caller.customer("c1"), "no/such", OptionalLong.empty(),
            RequestKey.NONE).result();

        assertThat(outcome).isEqualTo(new CartNotFound("no/such"));
        assertThat(store.applied).isEmpty();
    }

    @Test
    void anotherCustomersCartDoesNotExistForTheCaller() {
        store.carts.put(CART, cart("c2"));

        assertThat(commands.get(commands.snapshot(), Caller.customer("c1"), CART).result()).isEqualTo(new CartNotFound(CART));
        assertThat(commands.get(commands.snapshot(), Caller.customer("c2"), CART).result()).isInstanceOf(Priced.class);
        assertThat(commands.get(commands.snapshot(), Caller.staff("ops-1"), CART).result()).isInstanceOf(Priced.class);
    }

    @Test
    void aGuestCartAnswersToWhoeverHoldsItsId() {
        store.carts.put(CART, cart(""));

        assertThat(commands.get(commands.snapshot(), Caller.customer("c1"), CART).result()).isInstanceOf(Priced.class);
        assertThat(commands.get(commands.snapshot(), Caller.guest(), CART).result()).isInstanceOf(Priced.class);
    }

    @Test
    void aCartIsCreatedOnlyInTheCurrencySoldAndARegionWithTaxRulesForTheCustomerSignedIn() {
        CatalogueSnapshot at = commands.snapshot();

        assertThat(commands.create(at, Caller.customer("c1"), "c1", "EUR", "", RequestKey.NONE).result())
            .isEqualTo(new Invalid("currency_code", "must be USD, the currency carts are sold in; was EUR"));
        assertThat(commands.create(at, Caller.customer("c1"), "c1", "", "MARS", RequestKey.NONE).result())
            .isEqualTo(new Invalid("region", "has no tax rules: MARS"));
        assertThat(commands.create(at, Caller.customer("c1"), "c2", "", "", RequestKey.NONE).result())
            .isEqualTo(new NotTheCustomer());
        assertThat(store.created).isEmpty();

        assertThat(commands.create(at, Caller.customer("c1"), "c1", "", "", new RequestKey("k-1", "fp")).result())
            .isInstanceOf(Priced.class);
        assertThat(store.created).containsExactly("c1 USD US k-1 fp");
    }

    @Test
    void aGuestsCreateIsNotRememberedUnderItsKey() {
        commands.create(commands.snapshot(), Caller.guest(), "", "USD", "DE", new RequestKey("k-1", "fp"));

        assertThat(store.created).containsExactly(" USD DE  ");
    }

    @Test
    void usageIsAskedOnlyForACodeWithAPerCustomerLimitOnACustomersCart() {
        store.carts.put(CART, cart("c1", line("mug", 1)));
        store.answer = applied(cart("c1", line("mug", 1)));
        CatalogueSnapshot at = commands.snapshot();

        assertThat(commands.applyPromotion(at, Caller.customer("c1"), CART, "ALWAYS", OptionalLong.empty(), RequestKey.NONE)
            .result()).isInstanceOf(Priced.class);
        assertThat(usageAsked).isEmpty();

        usage = Map.of("ONCE", 1);
        assertThat(commands.applyPromotion(at, Caller.customer("c1"), CART, "ONCE", OptionalLong.empty(), RequestKey.NONE)
            .result()).isEqualTo(new PromotionRejected("ONCE", RejectionReason.USAGE_LIMIT_REACHED));
        assertThat(usageAsked).containsExactly("c1:[ONCE]");
        assertThat(store.applied).extracting(Mutation::command).containsExactly(new CartCommand.ApplyPromotion("ALWAYS"));
    }

    @Test
    void aCartOfAnotherCustomerIsNotMergedAndNothingIsCreated() {
        store.carts.put(CART, cart("c2"));

        assertThat(commands.merge(commands.snapshot(), Caller.customer("c1"), CART, "c1", "").result())
            .isEqualTo(new CartNotFound(CART));
        assertThat(commands.merge(commands.snapshot(), Caller.customer("c1"), CART, "c2", "").result())
            .isEqualTo(new NotTheCustomer());
        assertThat(store.created).isEmpty();
    }

    private static Future<MutationResult> applied(Cart cart) {
        return Future.succeededFuture(new MutationResult.Applied(cart, false));
    }

    private static CartLine line(String productId, int quantity) {
        return new CartLine(productId, "kitchen", "Blue mug", quantity, 1299, NOW);
    }

    private static Cart cart(String customerId, CartLine... lines) {
        return new Cart(CART, customerId, CartStatus.ACTIVE, "USD", "US", List.of(lines), List.of(), 4, NOW, NOW, "");
    }

    /** Answers what each test scripts and remembers what it was asked to do. */
    private static final class ScriptedStore implements CartStore {

        final List<Mutation> applied = new ArrayList<>();
        final List<String> created = new ArrayList<>();
        final Map<String, Cart> carts = new HashMap<>();
        Future<MutationResult> answer = Future.succeededFuture(new MutationResult.NotFound());

        @Override
        public Future<MutationResult> apply(Mutation mutation) {
            applied.add(mutation);
            return answer;
        }

        @Override
        public Future<Optional<Cart>> find(String cartId) {
            return Future.succeededFuture(Optional.ofNullable(carts.get(cartId)));
        }

        @Override
        public Future<Optional<Cart>> activeCartOf(String customerId) {
            return Future.succeededFuture(Optional.empty());
        }

        @Override
        public Future<Cart> createOrGetActive(String newCartId, String customerId, String currency, String region,
                                              String idempotencyKey, String requestFingerprint) {
            created.add(customerId + " " + currency + " " + region + " " + idempotencyKey + " " + requestFingerprint);
            return Future.succeededFuture(new Cart(newCartId, customerId, CartStatus.ACTIVE, currency, region, List.of(), List.of(), 1,
                NOW, NOW, ""));
        }

        @Override
        public Future<Cart> merge(String sourceCartId, String targetCartId, CartLimits limits) {
            return Future.failedFuture(new UnsupportedOperationException("not scripted"));
        }
    }
}
