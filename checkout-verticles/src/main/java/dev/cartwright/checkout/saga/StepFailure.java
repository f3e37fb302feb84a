package dev.cartwright.checkout.saga;

import java.util.Objects;

/** Why a saga step did not succeed: a definite "no", or nobody answered. */
public sealed interface StepFailure {

    /** What the customer and the logs are told. */
    String reason();

    /**
     * A definite answer that retrying will not change: the payment was declined, the cart changed, the reservation
     * is gone, a neighbour refused the request.
     */
    record Refused(String reason) implements StepFailure {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A dependency did not answer (down, timed out, circuit open); the same call may well succeed later. */
    record Unavailable(String reason) implements StepFailure {
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
