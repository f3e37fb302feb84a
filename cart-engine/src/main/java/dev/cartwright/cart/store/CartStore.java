package dev.cartwright.cart.store;

import java.util.Optional;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.pricing.CartLimits;
import io.vertx.core.Future;

/**
 * Where carts live: hot in Redis, durably in PostgreSQL (through the write-behind). Rule failures come back as
 * {@link MutationResult} values; a failed future means the store itself could not answer (Redis or PostgreSQL down),
 * which the edge reports as UNAVAILABLE.
 */
public interface CartStore {

    /** Applies one change atomically; exactly one Redis round trip (EVALSHA) when the cart is hot. */
    Future<MutationResult> apply(Mutation mutation);

    /** Redis first; on a miss PostgreSQL, and the cart found there is put back hot. */
    Future<Optional<Cart>> find(String cartId);

    /** The customer's ACTIVE cart, through the customer index in Redis with PostgreSQL as the fallback. */
    Future<Optional<Cart>> activeCartOf(String customerId);

    /**
     * For a customer, the ACTIVE cart if there is one, else a new one with id {@code newCartId}; for a guest
     * ({@code customerId} "") always a new cart. A retry with the same idempotency key returns the same cart.
     * Fails with {@link dev.cartwright.cart.CartMutationException} if the cart could not be created, also when the key
     * was first used with another request ({@link dev.cartwright.cart.Refusal#KEY_REUSED}).
     *
     * @param requestFingerprint the digest of the request the key belongs to; "" for the create command itself
     */
    Future<Cart> createOrGetActive(String newCartId, String customerId, String currency, String region, String idempotencyKey,
                                   String requestFingerprint);

    /** {@link #createOrGetActive(String, String, String, String, String, String)} fingerprinted by the create command. */
    default Future<Cart> createOrGetActive(String newCartId, String customerId, String currency, String region, String idempotencyKey) {
        return createOrGetActive(newCartId, customerId, currency, region, idempotencyKey, "");
    }

    /**
     * Marks the source MERGED at the version it was read at (starting over when a change reached it meanwhile, so no
     * acknowledged change to the source is left out) and folds it into the target (quantities summed up to the
     * limits), in two idempotent steps: calling it again, also after a crash between the steps, changes nothing more.
     * Returns the target; fails with {@link dev.cartwright.cart.CartMutationException} when a step is refused.
     */
    Future<Cart> merge(String sourceCartId, String targetCartId, CartLimits limits);
}
