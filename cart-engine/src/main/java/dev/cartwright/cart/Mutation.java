package dev.cartwright.cart;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One change to one cart as the store takes it.
 *
 * @param expectedVersion when present, the change applies only if the cart is still at this version
 * @param idempotencyKey "" for none; otherwise a retried request with the same key changes nothing and answers with the
 *     cart as it is now (the key is remembered for a day by default). The key belongs to one request: the same key
 *     with another request is {@link Refusal#KEY_REUSED}. Keys from clients reach the store already scoped to the
 *     caller (see the API edge), so they never meet the service's own keys.
 * @param expectedOwner empty: any cart may be changed (staff, development mode, the service's own steps); present:
 *     the customer the caller acts as ("" for a guest), and the change applies only to a guest cart or a cart of
 *     that customer. Any other cart answers {@link MutationResult.NotFound}, as if it did not exist, and is not
 *     touched. The store checks it in the same round trip as the change.
 * @param requestFingerprint what the key's request was, as a short digest: "" lets the store take the command itself
 *     (its kind and arguments); the API edge gives the digest of the RPC and its request, so that a retry whose
 *     looked-up price changed meanwhile is still the same request
 */
public record Mutation(String cartId, CartCommand command, OptionalLong expectedVersion, String idempotencyKey,
                       Optional<String> expectedOwner, String requestFingerprint) {

    private static final int MAX_IDEMPOTENCY_KEY = 128;
    private static final int MAX_FINGERPRINT = 64;

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
        Objects.requireNonNull(requestFingerprint, "requestFingerprint");
        if (!requestFingerprint.isEmpty()) {
            CartText.requireToken(requestFingerprint, "requestFingerprint");
        }
        if (requestFingerprint.length() > MAX_FINGERPRINT) {
            throw new IllegalArgumentException("requestFingerprint must be at most " + MAX_FINGERPRINT + " characters");
        }
    }

    /** A change whose idempotency key (if any) is fingerprinted by its command. */
    public Mutation(String cartId, CartCommand command, OptionalLong expectedVersion, String idempotencyKey,
                    Optional<String> expectedOwner) {
        this(cartId, command, expectedVersion, idempotencyKey, expectedOwner, "");
    }

    /** A change that may touch any cart (no expected owner). */
    public Mutation(String cartId, CartCommand command, OptionalLong expectedVersion, String idempotencyKey) {
        this(cartId, command, expectedVersion, idempotencyKey, Optional.empty(), "");
    }

    /** A change with neither expected version nor idempotency key nor expected owner. */
    public static Mutation of(String cartId, CartCommand command) {
        return new Mutation(cartId, command, OptionalLong.empty(), "", Optional.empty(), "");
    }

    public Mutation withExpectedVersion(long version) {
        return new Mutation(cartId, command, OptionalLong.of(version), idempotencyKey, expectedOwner, requestFingerprint);
    }

    public Mutation withIdempotencyKey(String key) {
        return new Mutation(cartId, command, expectedVersion, key, expectedOwner, requestFingerprint);
    }

    /** The key of one request, with that request's fingerprint (see {@code requestFingerprint}). */
    public Mutation withIdempotencyKey(String key, String fingerprint) {
        return new Mutation(cartId, command, expectedVersion, key, expectedOwner, fingerprint);
    }

    /** Only a guest cart or a cart of {@code customerId} ("" for a guest caller: guest carts only) may be changed. */
    public Mutation withExpectedOwner(String customerId) {
        return new Mutation(cartId, command, expectedVersion, idempotencyKey, Optional.of(customerId), requestFingerprint);
    }
}
