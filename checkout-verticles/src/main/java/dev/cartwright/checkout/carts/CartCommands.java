package dev.cartwright.checkout.carts;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartCommand;
import dev.cartwright.cart.CartIds;
import dev.cartwright.cart.CartMutationException;
import dev.cartwright.cart.CartText;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.cart.store.CartStore;
import dev.cartwright.checkout.carts.CartOutcome.CartNotFound;
import dev.cartwright.checkout.carts.CartOutcome.Invalid;
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
import dev.cartwright.pricing.CartLimits;
import dev.cartwright.pricing.PriceEntry;
import dev.cartwright.pricing.PricingRequest;
import dev.cartwright.pricing.PricingSnapshot;
import dev.cartwright.pricing.Promotion;
import dev.cartwright.pricing.PromotionDecision;
import dev.cartwright.service.auth.Caller;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the cart use cases: what each cart request means once its fields have the right shape. It looks up the
 * product's price, name and stock in one catalogue snapshot, decides whether the caller may reach the cart, asks the
 * promotion neighbour how often a code was used when that matters, has the store apply one command, and prices the
 * cart it gets back. Every answer is a {@link CartOutcome}; failures are values, and the store's or the caller's
 * trouble never escapes as an exception.
 *
 * <p>Ownership: a customer's cart answers only to that customer (or staff, or anyone in development mode); to
 * everyone else it does not exist (NOT_FOUND, so nothing leaks). A guest cart answers to whoever holds its unguessable
 * id. A change carries the caller as its expected owner and the store checks it in the same round trip as the change
 * itself, so every change is one Redis round trip.
 *
 * <p>Each command takes the snapshot the request read once ({@link #snapshot()}), so a request never mixes prices,
 * names, stock or limits from two catalogue updates.
 */
public final class CartCommands {

    private static final Logger LOG = LoggerFactory.getLogger(CartCommands.class);

    /** How often a customer already used promotion codes (the promotion neighbour's answer). */
    @FunctionalInterface
    public interface PromotionUsage {
        Future<Map<String, Integer>> timesUsed(String customerId, List<String> codes);
    }

    private final CartStore store;
    private final Catalogue catalogue;
    private final PromotionUsage usage;
    private final CartIds ids;
    private final Clock clock;
    private final String defaultRegion;

    public CartCommands(CartStore store, Catalogue catalogue, PromotionUsage usage, CartIds ids, Clock clock,
                        String defaultRegion) {
        this.store = store;
        this.catalogue = catalogue;
        this.usage = usage;
        this.ids = ids;
        this.clock = clock;
        this.defaultRegion = defaultRegion;
    }

    /** The catalogue snapshot a request reads once and hands to the command it runs. */
    public CatalogueSnapshot snapshot() {
        return catalogue.current();
    }

    /**
     * The customer's active cart, created if there is none. {@code currency} and {@code region} may be empty (the
     * currency carts are sold in, the default region). A guest's create is not remembered under its key: two guests
     * could not be told apart by it, so a retried create leaves an empty cart behind, which the abandonment sweep takes
     * away.
     */
    public Future<CartOutcome> create(CatalogueSnapshot at, Caller caller, String customerId, String currency, String region,
                                      RequestKey key) {
        PricingSnapshot pricing = at.pricing();
        String sold = pricing.currency().getCurrencyCode();
        if (!currency.isEmpty() && !currency.equals(sold)) {
            return done(new Invalid("currency_code", "must be " + sold + ", the currency carts are sold in; was " + currency));
        }
        if (!region.isEmpty() && !pricing.taxTable().knows(region)) {
            return done(new Invalid("region", "has no tax rules: " + region));
        }
        if (!customerId.isEmpty() && !caller.mayActFor(customerId)) {
            return done(new NotTheCustomer());
        }
        RequestKey remembered = caller.isGuest() ? RequestKey.NONE : key;
        return fromStore(store.createOrGetActive(ids.next(), customerId, currency.isEmpty() ? sold : currency,
                region.isEmpty() ? defaultRegion : region, remembered.key(), remembered.fingerprint()),
            cart -> done(priced(at, cart)));
    }

    public Future<CartOutcome> get(CatalogueSnapshot at, Caller caller, String cartId) {
        return whenReachable(caller, cartId, cart -> done(priced(at, cart)));
    }

    /** A line of {@code quantity} units more, at the snapshot's price and under the catalog's name. */
    public Future<CartOutcome> addItem(CatalogueSnapshot at, Caller caller, String cartId, String productId, int quantity,
                                       OptionalLong expected, RequestKey key) {
        PriceEntry entry = at.pricing().priceBook().entryOrNull(productId);
        if (entry == null) {
            return done(new ProductNotFound(productId));
        }
        if (!entry.sellable()) {
            return done(new NotSellable(productId));
        }
        Optional<OutOfStock> short_ = shortOf(at, productId, quantity);
        if (short_.isPresent()) {
            return done(short_.get());
        }
        CartCommand command = new CartCommand.AddItem(productId, entry.categoryId(), at.nameOf(productId), quantity,
            entry.unitPrice().amount(), at.pricing().limits());
        return change(at, caller, cartId, command, expected, key);
    }

    /** The line's quantity set to {@code quantity}; zero removes it. */
    public Future<CartOutcome> setQuantity(CatalogueSnapshot at, Caller caller, String cartId, String productId, int quantity,
                                           OptionalLong expected, RequestKey key) {
        if (quantity > 0) {
            Optional<OutOfStock> short_ = shortOf(at, productId, quantity);
            if (short_.isPresent()) {
                return done(short_.get());
            }
        }
        return change(at, caller, cartId, new CartCommand.SetQuantity(productId, quantity, at.pricing().limits()), expected, key);
    }

    public Future<CartOutcome> removeItem(CatalogueSnapshot at, Caller caller, String cartId, String productId,
                                          OptionalLong expected, RequestKey key) {
        return change(at, caller, cartId, new CartCommand.RemoveItem(productId), expected, key);
    }

    public Future<CartOutcome> clear(CatalogueSnapshot at, Caller caller, String cartId, OptionalLong expected, RequestKey key) {
        return change(at, caller, cartId, new CartCommand.ClearCart(), expected, key);
    }

    /**
     * The source cart's lines moved into the customer's active cart (created if there is none). The source must be a
     * guest cart or already the customer's; {@code clientKey} is the client's key as sent.
     */
    public Future<CartOutcome> merge(CatalogueSnapshot at, Caller caller, String sourceId, String customerId, String clientKey) {
        if (!caller.mayActFor(customerId)) {
            return done(new NotTheCustomer());
        }
        CartLimits limits = at.pricing().limits();
        return whenReachable(caller, sourceId, source -> {
            if (!source.customerId().isEmpty() && !source.customerId().equals(customerId)) {
                return done(new CartNotFound(sourceId));
            }
            return fromStore(store.createOrGetActive(ids.next(), customerId, source.currency(), source.region(), clientKey),
                target -> target.cartId().equals(source.cartId())
                    ? done(priced(at, target))
                    : fromStore(store.merge(source.cartId(), target.cartId(), limits), merged -> done(priced(at, merged))));
        });
    }

    /**
     * The code added to the cart if the promotion's rules allow it now; how often the customer already used it is
     * asked of the promotion neighbour only for a code with a per-customer limit on a customer's cart.
     */
    public Future<CartOutcome> applyPromotion(CatalogueSnapshot at, Caller caller, String cartId, String code,
                                              OptionalLong expected, RequestKey key) {
        PricingSnapshot pricing = at.pricing();
        return whenReachable(caller, cartId, cart -> priorUsage(pricing, cart, code).compose(used -> {
            PricingRequest request = new PricingRequest(cart.pricingLines(), cart.promotionCodes(), regionOf(cart, pricing), 0,
                used, clock.instant());
            PromotionDecision decision = pricing.checkPromotion(code, request);
            if (decision instanceof PromotionDecision.Rejected rejected) {
                return done(new PromotionRejected(code, rejected.reason()));
            }
            return apply(at, new Mutation(cartId, new CartCommand.ApplyPromotion(code), expected, key.key(),
                expectedOwner(caller), key.fingerprint()));
        }));
    }

    public Future<CartOutcome> removePromotion(CatalogueSnapshot at, Caller caller, String cartId, String code,
                                               OptionalLong expected, RequestKey key) {
        return change(at, caller, cartId, new CartCommand.RemovePromotion(code), expected, key);
    }

    /**
     * What the store's answer to a change means for the client; {@code at} prices an applied change. A cart missing
     * from the store and a cart the caller may not reach are the same answer.
     */
    public CartOutcome outcomeOf(CatalogueSnapshot at, String cartId, OptionalLong expected, MutationResult result) {
        if (result instanceof MutationResult.Applied applied) {
            return priced(at, applied.cart());
        }
        return failureOf(cartId, expected, result);
    }

    /** The failure a store answer other than Applied stands for. */
    public static CartOutcome.Failure failureOf(String cartId, OptionalLong expected, MutationResult result) {
        if (result instanceof MutationResult.StaleVersion stale) {
            return new StaleVersion(expected, stale.currentVersion());
        }
        if (result instanceof MutationResult.Refused refused) {
            return new Refused(refused.reason(), refused.detail());
        }
        if (result instanceof MutationResult.NotFound) {
            return new CartNotFound(cartId);
        }
        throw new IllegalArgumentException("not a failure: " + result);
    }

    // ---- the steps every command shares ---------------------------------------------------------------------

    /** One store round trip: the store applies the change only if the caller may reach the cart, else NOT_FOUND. */
    private Future<CartOutcome> change(CatalogueSnapshot at, Caller caller, String cartId, CartCommand command,
                                       OptionalLong expected, RequestKey key) {
        if (!CartText.isCartId(cartId)) {
            return done(new CartNotFound(cartId));
        }
        return apply(at, new Mutation(cartId, command, expected, key.key(), expectedOwner(caller), key.fingerprint()));
    }

    private Future<CartOutcome> apply(CatalogueSnapshot at, Mutation mutation) {
        return fromStore(store.apply(mutation), result -> done(outcomeOf(at, mutation.cartId(), mutation.expectedVersion(), result)));
    }

    /** {@code then} of the cart if this caller may see it; NOT_FOUND if it does not exist or is another customer's. */
    private Future<CartOutcome> whenReachable(Caller caller, String cartId, Function<Cart, Future<CartOutcome>> then) {
        if (!CartText.isCartId(cartId)) {
            return done(new CartNotFound(cartId));
        }
        return fromStore(store.find(cartId), found -> found.isPresent() && mayReach(caller, found.get())
            ? then.apply(found.get())
            : done(new CartNotFound(cartId)));
    }

    /**
     * {@code then} of what the store answered; its failure (Redis or PostgreSQL away) is the outcome UNAVAILABLE, and
     * a refused step of a multi-step operation is the outcome of that refusal.
     */
    private static <T> Future<CartOutcome> fromStore(Future<T> call, Function<T, Future<CartOutcome>> then) {
        return call.transform(ar -> {
            if (ar.succeeded()) {
                return then.apply(ar.result());
            }
            Throwable e = ar.cause();
            if (e instanceof CartMutationException refused && !(refused.result() instanceof MutationResult.Applied)) {
                return done(failureOf("", OptionalLong.empty(), refused.result()));
            }
            if (e instanceof CartMutationException) {
                return Future.failedFuture(new IllegalStateException("unexpected store reply " + e.getMessage(), e));
            }
            LOG.warn("event=store_unavailable error=\"{}\"", e.toString());
            return done(new StoreUnavailable(String.valueOf(e.getMessage())));
        });
    }

    /** None for callers trusted with every cart; otherwise the customer the caller is ("" for a guest or a non-customer). */
    private static Optional<String> expectedOwner(Caller caller) {
        if (caller.development() || caller.isStaff()) {
            return Optional.empty();
        }
        return Optional.of(CartText.isCustomerId(caller.subject()) ? caller.subject() : "");
    }

    private static boolean mayReach(Caller caller, Cart cart) {
        return cart.customerId().isEmpty() || caller.mayActFor(cart.customerId());
    }

    private Future<Map<String, Integer>> priorUsage(PricingSnapshot pricing, Cart cart, String code) {
        Promotion promotion = pricing.promotions().promotionOrNull(code);
        if (cart.customerId().isEmpty() || promotion == null || promotion.usageLimitPerCustomer() == Promotion.UNLIMITED) {
            return Future.succeededFuture(Map.of());
        }
        return usage.timesUsed(cart.customerId(), List.of(code));
    }

    private static Optional<OutOfStock> shortOf(CatalogueSnapshot at, String productId, int quantity) {
        OptionalInt available = at.available(productId);
        return available.isPresent() && available.getAsInt() < quantity
            ? Optional.of(new OutOfStock(productId, available.getAsInt(), quantity))
            : Optional.empty();
    }

    private String regionOf(Cart cart, PricingSnapshot pricing) {
        String region = cart.region();
        return region.isEmpty() || !pricing.taxTable().knows(region) ? defaultRegion : region;
    }

    /** The cart with its totals, priced through the core so the calculation reuses this thread's working memory. */
    private Priced priced(CatalogueSnapshot at, Cart cart) {
        PricingSnapshot pricing = at.pricing();
        PricingRequest request = new PricingRequest(cart.pricingLines(), cart.promotionCodes(), regionOf(cart, pricing), 0,
            Map.of(), clock.instant());
        return new Priced(cart, catalogue.pricing().totals(pricing, request), pricing);
    }

    private static Future<CartOutcome> done(CartOutcome outcome) {
        return Future.succeededFuture(outcome);
    }
}
