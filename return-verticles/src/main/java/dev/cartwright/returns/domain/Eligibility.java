package dev.cartwright.returns.domain;

/** Whether a return may be requested, and if not, which field is at fault and why. */
public sealed interface Eligibility {

    record Eligible() implements Eligibility {
    }

    /**
     * @param problem what kind of refusal (bad input, or a rule the order does not meet now)
     * @param field   the request field it concerns, e.g. {@code items[1].quantity}
     */
    record NotEligible(Problem problem, String field, String message) implements Eligibility {
    }

    enum Problem {
        /** The request names something that cannot be: an unknown item, more units than were bought, a duplicate. */
        BAD_INPUT,
        /** The request is well formed, but the order does not allow it (not delivered, window closed, units taken). */
        NOT_ALLOWED
    }
}
