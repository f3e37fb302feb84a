package dev.cartwright.checkout.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of the confirm saga: the step rows of a confirmation in {@code checkout_saga_steps} belong to its number.
 *
 * @param number          1 for the first confirmation, one more for each confirmation after a reopening
 * @param paymentMethodId what ConfirmCheckout asked to pay with
 * @param step            the step running or last finished (a compensation's name while undoing), once there is one
 * @param leaseUntil      until when the runner holds the saga; lapsed or empty, another may take it over
 */
public record SagaRun(int number, String paymentMethodId, Optional<String> step, Optional<Instant> leaseUntil) {

    public SagaRun {
        Objects.requireNonNull(paymentMethodId, "paymentMethodId");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
    }

    public SagaRun at(String stepName, Instant lease) {
        return new SagaRun(number, paymentMethodId, Optional.of(stepName), Optional.of(lease));
    }

    public SagaRun leased(Instant lease) {
        return new SagaRun(number, paymentMethodId, step, Optional.of(lease));
    }

    /** The run as it ended: nobody holds it, {@code lastStep} was its last step. */
    public SagaRun ended(Optional<String> lastStep) {
        return new SagaRun(number, paymentMethodId, lastStep, Optional.empty());
    }

    /** Whether the runner may have stopped: its lease ran out before {@code now}. */
    public boolean lapsed(Instant now) {
        return leaseUntil.isEmpty() || leaseUntil.get().isBefore(now);
    }
}
