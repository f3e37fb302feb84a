package dev.cartwright.cart;

import java.util.Objects;

/** What became of a {@link Mutation}: failures are values, mapped to a status only at the edge. */
public sealed interface MutationResult {

    /**
     * The change is in the cart (or was already: {@code replayed} is true when an idempotency key matched an earlier
     * request, whose reply this is).
     */
    record Applied(Cart cart, boolean replayed) implements MutationResult {
        public Applied {
            Objects.requireNonNull(cart, "cart");
        }
    }

    /** No such cart, hot or stored. */
    record NotFound() implements MutationResult {
    }

    /** The expected version was not the cart's version; nothing was written. */
    record StaleVersion(long currentVersion) implements MutationResult {
    }

    /** The change breaks a rule of the cart; nothing was written. */
    record Refused(Refusal reason, String detail) implements MutationResult {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
