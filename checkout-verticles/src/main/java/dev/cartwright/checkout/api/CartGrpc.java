package dev.cartwright.checkout.api;

import com.google.protobuf.MessageLite;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.checkout.carts.CartCommands;
import dev.cartwright.checkout.carts.CartOutcome;
import dev.cartwright.checkout.carts.RequestKey;
import dev.cartwright.checkout.catalogue.CatalogueSnapshot;
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
import dev.cartwright.service.grpc.RpcError;
import io.vertx.core.Future;
import java.util.OptionalLong;

/**
 * The CartService endpoint, thin on purpose: it checks each request's shape (INVALID_ARGUMENT naming the field,
 * nothing touched), reads one catalogue snapshot for the request, hands the fields to the matching
 * {@link CartCommands} use case, and turns the {@link CartOutcome} into the reply or a status in one place
 * ({@link #reply(CartOutcome)}). What a request means (prices, stock, ownership, promotions) is decided there, not here.
 */
public final class CartGrpc extends CartServiceService {

    private final CartCommands carts;
    private final Rpc rpc;

    public CartGrpc(CartCommands carts, Rpc rpc) {
        this.carts = carts;
        this.rpc = rpc;
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Cart> createCart(CreateCartRequest request) {
        return rpc.call("CreateCart", () -> {
            Caller caller = CallerContext.current();
            String customerId = RequestChecks.optionalId("customer_id", request.getCustomerId());
            String currency = RequestChecks.currency("currency_code", request.getCurrencyCode());
            String region = RequestChecks.region("region", request.getRegion());
            String key = RequestChecks.idempotencyKey("idempotency_key", request.getIdempotencyKey());
            return carts.create(carts.snapshot(), caller, customerId, currency, region, key(caller, key, "CreateCart", request))
                .map(outcome -> reply(outcome, "carts"));
        });
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Cart> getCart(GetCartRequest request) {
        return rpc.call("GetCart", () -> {
            Caller caller = CallerContext.current();
            String cartId = RequestChecks.id("cart_id", request.getCartId());
            return carts.get(carts.snapshot(), caller, cartId).map(outcome -> reply(outcome, "carts/" + cartId));
        });
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Cart> addItem(AddItemRequest request) {
        return rpc.call("AddItem", () -> {
            Caller caller = CallerContext.current();
            CatalogueSnapshot at = carts.snapshot();
            String cartId = RequestChecks.id("cart_id", request.getCartId());
            String productId = RequestChecks.id("product_id", request.getProductId());
            int quantity = RequestChecks.quantity("quantity", request.getQuantity(), 1, at.pricing().limits().maxQuantityPerLine());
            OptionalLong expected = expectedVersion(request.hasExpectedVersion(), request.getExpectedVersion());
            String key = RequestChecks.idempotencyKey("idempotency_key", request.getIdempotencyKey());
            return carts.addItem(at, caller, cartId, productId, quantity, expected, key(caller, key, "AddItem", request))
                .map(outcome -> reply(outcome, "carts/" + cartId));
        });
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Cart> updateItem(UpdateItemRequest request) {
        return rpc.call("UpdateItem", () -> {
            Caller caller = CallerContext.current();
            CatalogueSnapshot at = carts.snapshot();
            String cartId = RequestChecks.id("cart_id", request.getCartId());
            String productId = RequestChecks.id("product_id", request.getProductId());
            int quantity = RequestChecks.quantity("quantity", request.getQuantity(), 0, at.pricing().limits().maxQuantityPerLine());
            OptionalLong expected = expectedVersion(request.hasExpectedVersion(), request.getExpectedVersion());
            String key = RequestChecks.idempotencyKey("idempotency_key", request.getIdempotencyKey());
            return carts.setQuantity(at, caller, cartId, productId, quantity, expected, key(caller, key, "UpdateItem", request))
                .map(outcome -> reply(outcome, "carts/" + cartId));
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
            return carts.removeItem(carts.snapshot(), caller, cartId, productId, expected, key(caller, key, "RemoveItem", request))
                .map(outcome -> reply(outcome, "carts/" + cartId));
        });
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Cart> clearCart(ClearCartRequest request) {
        return rpc.call("ClearCart", () -> {
            Caller caller = CallerContext.current();
            String cartId = RequestChecks.id("cart_id", request.getCartId());
            OptionalLong expected = expectedVersion(request.hasExpectedVersion(), request.getExpectedVersion());
            String key = RequestChecks.idempotencyKey("idempotency_key", request.getIdempotencyKey());
            return carts.clear(carts.snapshot(), caller, cartId, expected, key(caller, key, "ClearCart", request))
                .map(outcome -> reply(outcome, "carts/" + cartId));
        });
    }

    @Override
    public Future<dev.cartwright.proto.checkout.v1.Cart> mergeCarts(MergeCartsRequest request) {
        return rpc.call("MergeCarts", () -> {
            Caller caller = CallerContext.current();
            String sourceId = RequestChecks.id("source_cart_id", request.getSourceCartId());
            String customerId = RequestChecks.id("customer_id", request.getCustomerId());
            String key = RequestChecks.idempotencyKey("idempotency_key", request.getIdempotencyKey());
            return carts.merge(carts.snapshot(), caller, sourceId, customerId, key).map(outcome -> reply(outcome, "carts/" + sourceId));
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
            return carts.applyPromotion(carts.snapshot(), caller, cartId, code, expected, key(caller, key, "ApplyPromotion", request))
                .map(outcome -> reply(outcome, "carts/" + cartId));
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
            return carts.removePromotion(carts.snapshot(), caller, cartId, code, expected,
                key(caller, key, "RemovePromotion", request)).map(outcome -> reply(outcome, "carts/" + cartId));
        });
    }

    // ---- the edge -------------------------------------------------------------------------------------------

    /**
     * The reply for a priced cart; every other outcome becomes the status of its kind, with its message and a reason of
     * its own. {@code subject} names the cart a FAILED_PRECONDITION is about.
     */
    static dev.cartwright.proto.checkout.v1.Cart reply(CartOutcome outcome, String subject) {
        if (outcome instanceof CartOutcome.Priced priced) {
            return CartReplies.toProto(priced.cart(), priced.totals(), priced.pricing());
        }
        throw error((CartOutcome.Failure) outcome, subject);
    }

    static RpcError error(CartOutcome.Failure failure, String subject) {
        String message = failure.message();
        if (failure instanceof CartOutcome.Invalid invalid) {
            return RpcError.invalidField(invalid.field(), invalid.problem());
        }
        if (failure instanceof CartOutcome.NotTheCustomer) {
            return RpcError.permissionDenied("NOT_THE_CUSTOMER", message).with("field", "customer_id");
        }
        if (failure instanceof CartOutcome.CartNotFound) {
            return RpcError.notFound("CART_NOT_FOUND", message);
        }
        if (failure instanceof CartOutcome.ProductNotFound no) {
            return RpcError.notFound("PRODUCT_NOT_FOUND", message).with("product_id", no.productId());
        }
        if (failure instanceof CartOutcome.NotSellable no) {
            return RpcError.failedPrecondition("PRODUCT_NOT_SELLABLE", "products/" + no.productId(), message);
        }
        if (failure instanceof CartOutcome.OutOfStock no) {
            return RpcError.failedPrecondition("OUT_OF_STOCK", "products/" + no.productId(), message)
                .with("available", Integer.toString(no.available()));
        }
        if (failure instanceof CartOutcome.PromotionRejected no) {
            return RpcError.failedPrecondition("PROMOTION_REJECTED", "promotions/" + no.code(), message)
                .with("rejection", no.reason().name());
        }
        if (failure instanceof CartOutcome.StaleVersion stale) {
            return RpcError.aborted("STALE_VERSION", message).with("current_version", Long.toString(stale.current()));
        }
        if (failure instanceof CartOutcome.Refused refused) {
            return switch (refused.reason()) {
                case KEY_REUSED -> RpcError.invalidField("idempotency_key", "reused with different parameters", message);
                case QUANTITY_LIMIT -> RpcError.invalidField("quantity", message.substring("quantity ".length()), message);
                case NOT_ACTIVE -> RpcError.failedPrecondition("CART_NOT_ACTIVE", subject, message);
                case LINE_LIMIT, NO_SUCH_LINE, PROMOTION_ALREADY_APPLIED, PROMOTION_NOT_APPLIED, CURRENCY_MISMATCH ->
                    RpcError.failedPrecondition(refused.reason().name(), subject, message);
            };
        }
        // StoreUnavailable, the one kind left.
        return RpcError.unavailable("CART_STORE_UNAVAILABLE", message);
    }

    /** How a store answer other than an applied change reaches the client (the applied cart is returned as is). */
    static dev.cartwright.cart.Cart applied(String cartId, OptionalLong expected, MutationResult result) {
        if (result instanceof MutationResult.Applied applied) {
            return applied.cart();
        }
        throw error(CartCommands.failureOf(cartId, expected, result), "carts/" + cartId);
    }

    /**
     * The key as the store keeps it (scoped to the caller) and what its request was: the RPC and its body as the client
     * sent them, not the command, whose looked-up price or name may change between a request and its retry. Computed
     * only when there is a key.
     */
    private static RequestKey key(Caller caller, String key, String method, MessageLite request) {
        return key.isEmpty() ? RequestKey.NONE : new RequestKey(RequestKeys.scoped(caller, key), RequestKeys.fingerprint(method, request));
    }

    private static OptionalLong expectedVersion(boolean present, long value) {
        return present ? OptionalLong.of(RequestChecks.expectedVersion("expected_version", value)) : OptionalLong.empty();
    }
}
