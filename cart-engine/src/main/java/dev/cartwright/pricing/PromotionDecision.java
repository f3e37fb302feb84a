package dev.cartwright.pricing;

import java.util.Objects;

/** Whether a promotion code may apply to a cart: accepted, or rejected with a reason. A value, never an exception. */
public sealed interface PromotionDecision permits PromotionDecision.Accepted, PromotionDecision.Rejected {

    String code();

    default boolean isAccepted() {
        return this instanceof Accepted;
    }

    /** The code applies; {@code promotion} is the promotion it names in the snapshot that decided. */
    record Accepted(String code, Promotion promotion) implements PromotionDecision {
        public Accepted {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(promotion, "promotion");
        }
    }

    /** The code does not apply, for {@code reason}. */
    record Rejected(String code, RejectionReason reason) implements PromotionDecision {
        public Rejected {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
