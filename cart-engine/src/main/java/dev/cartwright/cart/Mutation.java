package dev.cartwright.cart;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * One change to one cart as the store takes it.
 *
 * @param expectedVersion when present, the change applies only if the cart is still at this version
 * @param idempotencyKey "" for none; otherwise a retried request with the same key gets the first reply back and
 *     changes nothing (remembered for a day by default)
 */
public record Mutation(String cartId, CartCommand command, OptionalLong expectedVersion, String idempotencyKey) {

    private static final int MAX_IDEMPOTENCY_KEY = 128;

    public Mutation {
        CartText.requireCartId(cartId);
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(expectedVersion, "expectedVersion");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        if (!idempotencyKey.isEmpty()) {
            CartText.requireToken(idempotencyKey, "idempotencyKey");
        }
        if (idempotencyKey.length() > MAX_IDEMPOTENCY_KEY) {
            throw new IllegalArgumentException("idempotencyKey must be at most " + MAX_IDEMPOTENCY_KEY + " characters");
        }
    }

    /** A change with neither expected version nor idempotency key. */
    public static Mutation of(String cartId, CartCommand command) {
        return new Mutation(cartId, command, OptionalLong.empty(), "");
    }

    public Mutation withExpectedVersion(long version) {
        return new Mutation(cartId, command, OptionalLong.of(version), idempotencyKey);
    }

    public Mutation withIdempotencyKey(String key) {
        return new Mutation(cartId, command, expectedVersion, key);
    }
}
