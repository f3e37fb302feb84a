package dev.cartwright.checkout.domain;

import java.util.Objects;

/** What asking a checkout for a move gave: the state it moves to, or why it may not move now. */
public sealed interface Transition<T extends Checkout> {

    record Moved<T extends Checkout>(T to) implements Transition<T> {
        public Moved {
            Objects.requireNonNull(to, "to");
        }
    }

    /** Refused while the checkout is {@code current}; {@code message} says so in a sentence. */
    record Refused<T extends Checkout>(CheckoutState current, String message) implements Transition<T> {
        public Refused {
            Objects.requireNonNull(current, "current");
            Objects.requireNonNull(message, "message");
        }
    }
}
