package dev.cartwright.checkout.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which change of a checkout this is.
 *
 * @param version        bumped by every change a client makes and by every start or takeover of the saga, which therefore
 *                       fences a runner that lost the checkout
 * @param lastRequestKey the idempotency key of the last change a client made, if it sent one
 */
public record Revision(long version, Optional<String> lastRequestKey, Instant updatedAt) {

    public Revision {
        Objects.requireNonNull(lastRequestKey, "lastRequestKey");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** The same version, touched at {@code now}. */
    public Revision touched(Instant now) {
        return new Revision(version, lastRequestKey, now);
    }

    /** The next version, at {@code now}. */
    public Revision next(Instant now) {
        return new Revision(version + 1, lastRequestKey, now);
    }
}
