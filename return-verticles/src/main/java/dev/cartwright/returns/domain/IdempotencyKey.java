package dev.cartwright.returns.domain;

import java.time.Duration;
import java.util.Optional;

/**
 * A client's key for retrying one request: whose it is ({@code scope}, the caller), the key itself, and the
 * fingerprint of the request it was sent with. A key answers only the request it came with, and only for a day.
 */
public record IdempotencyKey(String scope, String key, String fingerprint) {

    /** How long a key is kept; after that it is forgotten and may be used again. */
    public static final Duration KEPT_FOR = Duration.ofHours(24);

    /** Longest key accepted, so what is stored per key stays small. */
    public static final int MAX_LENGTH = 128;

    /**
     * Whether a request stored under this key was this one. A key stored before fingerprints were kept (none
     * stored) is taken as the same request, as it was then.
     */
    public boolean sameRequestAs(Optional<String> storedFingerprint) {
        return storedFingerprint.map(fingerprint::equals).orElse(true);
    }
}
