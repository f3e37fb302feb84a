package dev.cartwright.checkout.domain;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a confirmation failed for good, and what of it was undone.
 *
 * @param step        the saga step that failed (a checkout failed before this service kept steps has none)
 * @param kind        what the failure answers: FAILED_PRECONDITION for a refusal, UNAVAILABLE for an outage
 * @param compensated the compensations done so far, in the order they ran
 */
public record CheckoutFailure(Optional<String> step, String reason, CheckoutProblem.Kind kind, List<String> compensated) {

    public CheckoutFailure {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(kind, "kind");
        compensated = List.copyOf(compensated);
    }

    public CheckoutFailure withCompensated(String compensation) {
        List<String> done = new java.util.ArrayList<>(compensated);
        done.add(compensation);
        return new CheckoutFailure(step, reason, kind, done);
    }

    /** The answer a FAILED checkout gives, the first time and on every retry. */
    public CheckoutProblem problem() {
        String undone = compensated.isEmpty() ? "nothing to undo" : "undone: " + String.join(", ", compensated);
        String at = step.orElse("");
        String message = kind == CheckoutProblem.Kind.UNAVAILABLE
            ? reason + " during " + at + "; the checkout failed (" + undone + "): start a new checkout"
            : reason + " (checkout failed at " + at + "; " + undone + ")";
        return CheckoutProblem.failed(kind, at, message);
    }
}
