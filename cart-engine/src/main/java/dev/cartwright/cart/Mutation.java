package dev.cartwright.cart;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One change to one cart as the store takes it.
 *
 * @param expectedVersion when present, the change applies only if the cart is still at this version
 * @param idempotencyKey "" for none; otherwise a retried request with the same key gets the first reply back and
 *     changes nothing (remembered for a day by default)
 * @param expectedOwner empty: any cart may be changed (staff, development mode, the service's own steps); present:
 *     the customer the caller acts as ("" for a guest), and the change applies only to a guest cart or a cart of
 *     that customer. Any other cart answers {@link MutationResult.NotFound}, as if it did not exist, and is not
 *     touched. The store checks it in the same round trip as the change.
 */
public record Mutation(String cartId, CartCommand command, OptionalLong expectedVersion, String idempotencyKey,
                       Optional<String> expectedOwner) {

    private static final int MAX_IDEMPOTENCY_KEY = 128;

    public Mutation {
        CartText.requireCartId(cartId);
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(expectedVersion, "expectedVersion");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(expectedOwner, "expectedOwner");
        if (!idempotencyKey.isEmpty()) {
            CartText.requireToken(idempotencyKey, "idempotencyKey");
        }
        if (idempotencyKey.length() > MAX_IDEMPOTENCY_KEY) {
            throw new IllegalArgumentException("idempotencyKey must be at most " + MAX_IDEMPOTENCY_KEY + " characters");
        }
        expectedOwner.ifPresent(CartText::requireCustomerId);
    }

    /** A change that may touch any cart (no expected owner). */
    public Mutation(String cartId, CartCommand command, OptionalLong expectedVersion, String idempotencyKey) {
        this(cartId, command, expectedVersion, idempotencyKey, Optional.empty());
    }

    /** A change with neither expected version nor idempotency key nor expected owner. */
    public static Mutation of(String cartId, CartCommand command) {
        return new Mutation(cartId, command, OptionalLong.empty(), "", Optional.empty());
    }

    public Mutation withExpectedVersion(long version) {
        return new Mutation(cartId, command, OptionalLong.of(version), idempotencyKey, expectedOwner);
    }

    public Mutation withIdempotencyKey(String key) {
        return new Mutation(cartId, command, expectedVersion, key, expectedOwner);
    }

    /** Only a guest cart or a cart of {@code customerId} ("" for a guest caller: guest carts only) may be changed. */
    public Mutation withExpectedOwner(String customerId) {
        return new Mutation(cartId, command, expectedVersion, idempotencyKey, Optional.of(customerId));
    }
}
