package dev.cartwright.checkout.saga;

import dev.cartwright.checkout.domain.CheckoutProblem;
import dev.cartwright.checkout.domain.CheckoutState;
import dev.cartwright.checkout.domain.SagaStep;
import dev.cartwright.service.auth.Caller;
import io.vertx.core.Future;

/**
 * Fault drills for tests: the confirm saga run part-way, as a process that died right after a step would leave it.
 * Lives with the tests so that the service itself offers no way to halt a saga.
 */
public final class SagaDrills {

    private SagaDrills() {
    }

    /**
     * Claims an open checkout and runs its saga only through {@code lastStep}, leaving it CONFIRMING as a crash right
     * after that step would; the recovery verticle (or a repeated ConfirmCheckout) must then finish it exactly once.
     */
    public static Future<Void> confirmUntil(CheckoutWorkflow workflow, Caller caller, String checkoutId, String paymentMethodId,
                                            SagaStep lastStep) {
        return workflow.find(caller, checkoutId).compose(c -> {
            if (c.status() != CheckoutState.OPEN) {
                return Future.failedFuture(CheckoutProblem.notOpen(c.status(), "checkout " + checkoutId + " is " + c.status()));
            }
            return workflow.claim(c, paymentMethodId).compose(claimed -> claimed.isEmpty()
                ? Future.failedFuture(CheckoutProblem.aborted("checkout " + checkoutId + " changed concurrently"))
                : workflow.saga().runUntil(claimed.get(), lastStep));
        });
    }
}
