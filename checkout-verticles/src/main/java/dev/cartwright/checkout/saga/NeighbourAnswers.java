package dev.cartwright.checkout.saga;

import dev.cartwright.checkout.domain.CheckoutProblem;
import dev.cartwright.checkout.domain.StepFailure;
import dev.cartwright.order.client.OrderResult;
import dev.cartwright.service.call.CallFailure;
import dev.cartwright.service.call.CallOutcome;
import io.vertx.core.Future;
import java.util.function.Function;

/**
 * Turns what a neighbour answered ({@link CallOutcome}, or {@link OrderResult} from the Order service client) into the
 * checkout's own words: a {@link StepFailure} for a saga step, or a {@link CheckoutProblem} for a request. A refusal is
 * the caller's to word; no answer is UNAVAILABLE, and an unknown outcome says that a retry with the same key resolves it.
 */
final class NeighbourAnswers {

    private NeighbourAnswers() {
    }

    /** The answer, or the failure as a {@link CheckoutProblem}: {@code onRefusal}'s for a refusal, UNAVAILABLE otherwise. */
    static <T> Future<T> orProblem(Future<CallOutcome<T>> call, Function<CallFailure.Refused, CheckoutProblem> onRefusal) {
        return call.compose(outcome -> {
            if (outcome instanceof CallOutcome.Answered<T> answered) {
                return Future.succeededFuture(answered.value());
            }
            CallFailure failure = ((CallOutcome.Failed<T>) outcome).failure();
            if (failure instanceof CallFailure.Refused refused) {
                return Future.failedFuture(onRefusal.apply(refused));
            }
            String retry = failure instanceof CallFailure.Unknown ? "; retry the request" : "";
            return Future.failedFuture(CheckoutProblem.unavailable(failure.describe() + retry));
        });
    }

    static StepFailure stepFailure(CallFailure failure) {
        if (failure instanceof CallFailure.Refused) {
            return new StepFailure.Refused(failure.describe());
        }
        if (failure instanceof CallFailure.Unknown) {
            return new StepFailure.Unknown(failure.describe());
        }
        return new StepFailure.Unavailable(failure.describe());
    }

    /** A CreateOrder that did not return the order, as a step failure. */
    static StepFailure stepFailure(OrderResult notCreated) {
        if (notCreated instanceof OrderResult.Refused refused) {
            return new StepFailure.Refused("order refused CreateOrder (" + refused.status().name() + "): " + refused.message());
        }
        if (notCreated instanceof OrderResult.NotFound notFound) {
            return new StepFailure.Refused("order refused CreateOrder (NOT_FOUND): " + notFound.orderId());
        }
        if (notCreated instanceof OrderResult.Unknown unknown) {
            return new StepFailure.Unknown(unknown.reason());
        }
        if (notCreated instanceof OrderResult.Unavailable unavailable) {
            return new StepFailure.Unavailable(unavailable.reason());
        }
        throw new IllegalArgumentException("an order was created: " + notCreated);
    }
}
