package dev.cartwright.checkout.api;

import com.google.protobuf.MessageLite;
import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartCommand;
import dev.cartwright.cart.CartIds;
import dev.cartwright.cart.CartMutationException;
import dev.cartwright.cart.CartText;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.cart.Refusal;
import dev.cartwright.cart.store.CartStore;
import dev.cartwright.checkout.neighbours.Neighbours;
import dev.cartwright.checkout.catalogue.ProductNames;
import dev.cartwright.checkout.catalogue.StockLevels;
import dev.cartwright.pricing.CartLimits;
import dev.cartwright.pricing.PriceEntry;
import dev.cartwright.pricing.PricingCore;
import dev.cartwright.pricing.PricingRequest;
import dev.cartwright.pricing.PricingSnapshot;
import dev.cartwright.pricing.Promotion;
import dev.cartwright.pricing.PromotionDecision;
import dev.cartwright.pricing.Totals;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.ApplyPromotionRequest;
import dev.cartwright.proto.checkout.v1.CartServiceService;
import dev.cartwright.proto.checkout.v1.ClearCartRequest;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.proto.checkout.v1.MergeCartsRequest;
import dev.cartwright.proto.checkout.v1.RemoveItemRequest;
import dev.cartwright.proto.checkout.v1.RemovePromotionRequest;
import dev.cartwright.proto.checkout.v1.UpdateItemRequest;
import dev.cartwright.service.auth.Caller;
import dev.cartwright.service.auth.CallerContext;
import dev.cartwright.service.grpc.RequestKeys;
import dev.cartwright.service.grpc.Rpc;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CartService endpoint: checks each request, turns it into one cart command, has the store apply it, and
 * answers with the cart priced by the current pricing snapshot. Thin on purpose: the rules of a cart live in the
 * store's script, prices and promotions in the pricing core.
 *
 * <p>Ownership: a customer's cart answers only to that customer (or staff, or anyone in development mode);
 * to everyone else it does not exist (NOT_FOUND, so nothing leaks). A guest cart answers to whoever holds its
 * unguessable id. A change carries the caller as its expected owner and the store checks it in the same round trip
 * as the change itself, so every caller changes a cart with one Redis round trip.
 */
public final class CartGrpc extends CartServiceService {

    private static final Logger LOG = LoggerFactory.getLogger(CartGrpc.class);

    /** What the endpoint is configured with besides its collaborators. */
    public record Settings(String defaultRegion) {
    }

    private final CartStore store;
    private final PricingCore pricing;
    private final ProductNames names;
    private final StockLevels stock;
    private final Neighbours neighbours;
    private final CartIds ids;
    private final Clock clock;
    private final Rpc rpc;
    private final Settings settings;

    public CartGrpc(CartStore store, PricingCore pricing, ProductNames names, StockLevels stock, Neighbours neighbours,
                    CartIds ids, Clock clock, Rpc rpc, Settings settings) {
        this.store = store;
        this.pricing = pricing;
        this.names = names;
        this.stock = stock;
        this.neighbours = neighbours;
        this.ids = ids;
        this.clock = clock;
        this.rpc = rpc;
        this.settings = settings;
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Cart> createCart(CreateCartRequest request) {
        return rpc.call("CreateCart", () -> {
            Caller caller = CallerContext.current();
            String customerId = RequestChecks.optionalId("customer_id", request.getCustomerId());
            String currency = RequestChecks.currency("currency_code", request.getCurrencyCode());
            String region = RequestChecks.region("region", request.getRegion());
            String key = RequestChecks.idempotencyKey("idempotency_key", request.getIdempotencyKey());
            PricingSnapshot snapshot = pricing.current();
            String sold = snapshot.currency().getCurrencyCode();
            if (currency.isEmpty()) {
                currency = sold;
            } else if (!currency.equals(sold)) {
                throw RequestChecks.invalid("currency_code", "must be " + sold + ", the currency carts are sold in; was " + currency);
            }
            if (region.isEmpty()) {
                region = settings.defaultRegion();
            } else if (!snapshot.taxTable().knows(region)) {
                throw RequestChecks.invalid("region", "has no tax rules: " + region);
            }
            if (!customerId.isEmpty() && !caller.mayActFor(customerId)) {
                throw new StatusException(GrpcStatus.PERMISSION_DENIED, "customer_id is not the signed-in customer");
            }
            // A guest is no one in particular: two guests could not be told apart by a key, so a guest's create is not
            // remembered (a retried create leaves an empty cart behind, which the abandonment sweep takes away).
            String scopedKey = caller.isGuest() ? "" : RequestKeys.scoped(caller, key);
            return storeCall(store.createOrGetActive(ids.next(), customerId, currency, region, scopedKey,
                scopedKey.isEmpty() ? "" : RequestKeys.fingerprint("CreateCart", request))).map(this::reply);
        });
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Cart> getCart(GetCartRequest request) {
        return rpc.call("GetCart", () -> {
            Caller caller = CallerContext.current();
            String cartId = RequestChecks.id("cart_id", request.getCartId());
            return reachable(caller, cartId).map(this::reply);
        });
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Cart> addItem(AddItemRequest request) {
        return rpc.call("AddItem", () -> {
            Caller caller = CallerContext.current();
            CartLimits limits = pricing.current().limits();
            String cartId = RequestChecks.id("cart_id", request.getCartId());
            String productId = RequestChecks.id("product_id", request.getProductId());
            int quantity = RequestChecks.quantity("quantity", request.getQuantity(), 1, limits.maxQuantityPerLine());
            OptionalLong expected = expectedVersion(request.hasExpectedVersion(), request.getExpectedVersion());
            String key = RequestChecks.idempotencyKey("idempotency_key", request.getIdempotencyKey());
            PriceEntry entry = pricing.current().priceBook().entryOrNull(productId);
            if (entry == null) {
                throw new StatusException(GrpcStatus.NOT_FOUND, "product " + productId + " not found");
            }
            if (!entry.sellable()) {
                throw new StatusException(GrpcStatus.FAILED_PRECONDITION, "product " + productId + " is not sellable");
            }
            requireStock(productId, quantity);
            CartCommand command = new CartCommand.AddItem(productId, entry.categoryId(), names.nameOf(productId), quantity,
                entry.unitPrice().amount(), limits);
            return mutate(caller, cartId, command, expected, key, "AddItem", request);
        });
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Cart> updateItem(UpdateItemRequest request) {
        return rpc.call("UpdateItem", () -> {
            Caller caller = CallerContext.current();
            CartLimits limits = pricing.current().limits();
            String cartId = RequestChecks.id("cart_id", request.getCartId());
            String productId = RequestChecks.id("product_id", request.getProductId());
            int quantity = RequestChecks.quantity("quantity", request.getQuantity(), 0, limits.maxQuantityPerLine());
            OptionalLong expected = expectedVersion(request.hasExpectedVersion(), request.getExpectedVersion());
            String key = RequestChecks.idempotencyKey("idempotency_key", request.getIdempotencyKey());
            if (quantity > 0) {
                requireStock(productId, quantity);
            }
            return mutate(caller, cartId, new CartCommand.SetQuantity(productId, quantity, limits), expected, key, "UpdateItem", request);
        });
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Cart> removeItem(RemoveItemRequest request) {
        return rpc.call("RemoveItem", () -> {
            Caller caller = CallerContext.current();
            String cartId = RequestChecks.id("cart_id", request.getCartId());
            String productId = RequestChecks.id("product_id", request.getProductId());
            OptionalLong expected = expectedVersion(request.hasExpectedVersion(), request.getExpectedVersion());
            String key = RequestChecks.idempotencyKey("idempotency_key", request.getIdempotencyKey());
            return mutate(caller, cartId, new CartCommand.RemoveItem(productId), expected, key, "RemoveItem", request);
        });
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Cart> clearCart(ClearCartRequest request) {
        return rpc.call("ClearCart", () -> {
            Caller caller = CallerContext.current();
            String cartId = RequestChecks.id("cart_id", request.getCartId());
            OptionalLong expected = expectedVersion(request.hasExpectedVersion(), request.getExpectedVersion());
            String key = RequestChecks.idempotencyKey("idempotency_key", request.getIdempotencyKey());
            return mutate(caller, cartId, new CartCommand.ClearCart(), expected, key, "ClearCart", request);
        });
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Cart> mergeCarts(MergeCartsRequest request) {
        return rpc.call("MergeCarts", () -> {
            Caller caller = CallerContext.current();
            String sourceId = RequestChecks.id("source_cart_id", request.getSourceCartId());
            String customerId = RequestChecks.id("customer_id", request.getCustomerId());
            String key = RequestChecks.idempotencyKey("idempotency_key", request.getIdempotencyKey());
            if (!caller.mayActFor(customerId)) {
                throw new StatusException(GrpcStatus.PERMISSION_DENIED, "customer_id is not the signed-in customer");
            }
            CartLimits limits = pricing.current().limits();
            return reachable(caller, sourceId).compose(source -> {
                if (!source.customerId().isEmpty() && !source.customerId().equals(customerId)) {
                    return Future.failedFuture(notFound(sourceId));
                }
                return storeCall(store.createOrGetActive(ids.next(), customerId, source.currency(), source.region(), key))
                    .compose(target -> {
                        if (target.cartId().equals(source.cartId())) {
                            return Future.succeededFuture(target);
                        }
                        return storeCall(store.merge(source.cartId(), target.cartId(), limits));
                    });
            }).map(this::reply);
        });
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Cart> applyPromotion(ApplyPromotionRequest request) {
        return rpc.call("ApplyPromotion", () -> {
            Caller caller = CallerContext.current();
            String cartId = RequestChecks.id("cart_id", request.getCartId());
            String code = RequestChecks.code("code", request.getCode());
            OptionalLong expected = expectedVersion(request.hasExpectedVersion(), request.getExpectedVersion());
            String key = RequestChecks.idempotencyKey("idempotency_key", request.getIdempotencyKey());
            return reachable(caller, cartId)
                .compose(cart -> priorUsage(cart, code).map(usage -> {
                    PricingRequest pricingRequest = new PricingRequest(cart.pricingLines(), cart.promotionCodes(),
                        regionOf(cart), 0, usage, clock.instant());
                    PromotionDecision decision = pricing.checkPromotion(code, pricingRequest);
                    if (decision instanceof PromotionDecision.Rejected rejected) {
                        throw new StatusException(GrpcStatus.FAILED_PRECONDITION,
                            "promotion " + code + " cannot be applied: " + rejected.reason().name());
                    }
                    return cart;
                }))
                .compose(cart -> applyToStore(new Mutation(cartId, new CartCommand.ApplyPromotion(code), expected,
                    RequestKeys.scoped(caller, key), expectedOwner(caller), fingerprint(key, "ApplyPromotion", request))));
        });
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Cart> removePromotion(RemovePromotionRequest request) {
        return rpc.call("RemovePromotion", () -> {
            Caller caller = CallerContext.current();
            String cartId = RequestChecks.id("cart_id", request.getCartId());
            String code = RequestChecks.code("code", request.getCode());
            OptionalLong expected = expectedVersion(request.hasExpectedVersion(), request.getExpectedVersion());
            String key = RequestChecks.idempotencyKey("idempotency_key", request.getIdempotencyKey());
            return mutate(caller, cartId, new CartCommand.RemovePromotion(code), expected, key, "RemovePromotion", request);
        });
    }

    // ---- the steps every RPC shares ------------------------------------------------------------------------

    /** One store round trip: the store applies the change only if the caller may reach the cart, else NOT_FOUND. */
    private Future<dev.cartwright.proto.checkout.v1.Cart> mutate(Caller caller, String cartId, CartCommand command,
                                                                 OptionalLong expected, String key, String method,
                                                                 MessageLite request) {
        if (!CartText.isCartId(cartId)) {
            return Future.failedFuture(notFound(cartId));
        }
        return applyToStore(new Mutation(cartId, command, expected, RequestKeys.scoped(caller, key), expectedOwner(caller),
            fingerprint(key, method, request)));
    }

    /**
     * What the key's request was: the RPC and its body as the client sent them, not the command, whose looked-up price
     * or name may change between a request and its retry. Computed only when there is a key.
     */
    private static String fingerprint(String key, String method, MessageLite request) {
        return key.isEmpty() ? "" : RequestKeys.fingerprint(method, request);
    }

    /**
     * None for callers trusted with every cart; otherwise the customer the caller is ("" for a guest). A subject no
     * cart could carry (not a customer id) owns no cart, so it reaches guest carts only, like a guest.
     */
    private static Optional<String> expectedOwner(Caller caller) {
        if (trustedWithEveryCart(caller)) {
            return Optional.empty();
        }
        return Optional.of(CartText.isCustomerId(caller.subject()) ? caller.subject() : "");
    }

    private Future<dev.cartwright.proto.checkout.v1.Cart> applyToStore(Mutation mutation) {
        return storeCall(store.apply(mutation)).map(result -> reply(applied(mutation.cartId(), mutation.expectedVersion(), result)));
    }

    /** The cart if this caller may see it; NOT_FOUND if it does not exist or belongs to another customer. */
    private Future<Cart> reachable(Caller caller, String cartId) {
        if (!CartText.isCartId(cartId)) {
            return Future.failedFuture(notFound(cartId));
        }
        return storeCall(store.find(cartId)).map(found -> {
            if (found.isEmpty() || !mayReach(caller, found.get())) {
                throw notFound(cartId);
            }
            return found.get();
        });
    }

    private static boolean trustedWithEveryCart(Caller caller) {
        return caller.development() || caller.isStaff();
    }

    private static boolean mayReach(Caller caller, Cart cart) {
        return cart.customerId().isEmpty() || caller.mayActFor(cart.customerId());
    }

    /** How often the cart's customer already used {@code code}, asked of the promotion neighbour only when it matters. */
    private Future<Map<String, Integer>> priorUsage(Cart cart, String code) {
        Promotion promotion = pricing.current().promotions().promotionOrNull(code);
        if (cart.customerId().isEmpty() || promotion == null || promotion.usageLimitPerCustomer() == Promotion.UNLIMITED) {
            return Future.succeededFuture(Map.of());
        }
        return neighbours.customerUsage(cart.customerId(), List.of(code));
    }

    private void requireStock(String productId, int quantity) {
        OptionalInt available = stock.available(productId);
        if (available.isPresent() && available.getAsInt() < quantity) {
            throw new StatusException(GrpcStatus.FAILED_PRECONDITION, "product " + productId + " is out of stock: "
                + available.getAsInt() + " available, " + quantity + " asked for");
        }
    }

    private static OptionalLong expectedVersion(boolean present, long value) {
        return present ? OptionalLong.of(RequestChecks.expectedVersion("expected_version", value)) : OptionalLong.empty();
    }

    /** The outcome of a mutation as the client sees it. */
    static Cart applied(String cartId, OptionalLong expected, MutationResult result) {
        if (result instanceof MutationResult.Applied applied) {
            return applied.cart();
        }
        if (result instanceof MutationResult.StaleVersion stale) {
            throw new StatusException(GrpcStatus.ABORTED, "stale version: expected "
                + (expected.isPresent() ? Long.toString(expected.getAsLong()) : "none") + ", current " + stale.currentVersion());
        }
        if (result instanceof MutationResult.Refused refused) {
            throw refusal(refused.reason(), refused.detail());
        }
        throw notFound(cartId);
    }

    static StatusException refusal(Refusal reason, String detail) {
        String message = reason.name() + (detail.isEmpty() ? "" : ": " + detail);
        return switch (reason) {
            case KEY_REUSED -> new StatusException(GrpcStatus.INVALID_ARGUMENT,
                "idempotency_key reused with different parameters");
            case QUANTITY_LIMIT -> new StatusException(GrpcStatus.INVALID_ARGUMENT, "quantity " + message);
            case LINE_LIMIT, NOT_ACTIVE, NO_SUCH_LINE, PROMOTION_ALREADY_APPLIED, PROMOTION_NOT_APPLIED, CURRENCY_MISMATCH ->
                new StatusException(GrpcStatus.FAILED_PRECONDITION, message);
        };
    }

    static StatusException notFound(String cartId) {
        return new StatusException(GrpcStatus.NOT_FOUND, cartId.isEmpty() ? "cart not found" : "cart " + cartId + " not found");
    }

    /**
     * A store future whose failure is the store's own (Redis or PostgreSQL away) reaches the client as
     * UNAVAILABLE; a refused step of a multi-step operation is mapped like any refusal.
     */
    private static <T> Future<T> storeCall(Future<T> call) {
        return call.recover(e -> {
            if (e instanceof StatusException) {
                return Future.failedFuture(e);
            }
            if (e instanceof CartMutationException refused) {
                return Future.failedFuture(mutationFailure(refused.result(), e));
            }
            LOG.warn("event=store_unavailable error=\"{}\"", e.toString());
            return Future.failedFuture(new StatusException(GrpcStatus.UNAVAILABLE, "cart store unavailable: " + e.getMessage()));
        });
    }

    private static StatusException mutationFailure(MutationResult result, Throwable e) {
        try {
            applied("", OptionalLong.empty(), result);
            return new StatusException(GrpcStatus.INTERNAL, "unexpected store reply " + e.getMessage());
        } catch (StatusException status) {
            return status;
        }
    }

    private String regionOf(Cart cart) {
        return regionOf(cart, pricing.current());
    }

    private String regionOf(Cart cart, PricingSnapshot snapshot) {
        String region = cart.region();
        return region.isEmpty() || !snapshot.taxTable().knows(region) ? settings.defaultRegion() : region;
    }

    private dev.cartwright.proto.checkout.v1.Cart reply(Cart cart) {
        PricingSnapshot snapshot = pricing.current();
        PricingRequest request = new PricingRequest(cart.pricingLines(), cart.promotionCodes(), regionOf(cart, snapshot), 0,
            Map.of(), clock.instant());
        // Through the core: the calculation reuses this event loop's working arrays instead of allocating its own.
        Totals totals = pricing.totals(snapshot, request);
        return CartReplies.toProto(cart, totals, snapshot);
    }

}
