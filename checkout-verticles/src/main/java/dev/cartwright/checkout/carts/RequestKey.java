package dev.cartwright.checkout.carts;

import java.util.Objects;

/**
 * A client's idempotency key as the store keeps it (already scoped to the caller) and the fingerprint of the request
 * it came with; both empty when the client sent no key.
 */
public record RequestKey(String key, String fingerprint) {

    public static final RequestKey NONE = new RequestKey("", "");

    public RequestKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }
}
