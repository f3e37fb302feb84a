package dev.cartwright.checkout.domain;

import java.util.Objects;

/** Why a saga step did not succeed: a definite "no", nobody answered, or nobody knows yet whether it happened. */
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

    /**
     * The call may have been carried out (it timed out or its connection broke after it was sent): only the same call
     * with the same idempotency key can tell. Nothing it could have done may be undone until then.
     */
    record Unknown(String reason) implements StepFailure {
        public Unknown {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
