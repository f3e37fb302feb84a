package dev.cartwright.checkout.saga;

import dev.cartwright.checkout.domain.CheckoutProblem;
import dev.cartwright.checkout.domain.StepFailure;
import dev.cartwright.service.call.CallFailure;
import dev.cartwright.service.call.CallOutcome;
import io.vertx.core.Future;
import java.util.function.Function;

/**
 * Turns what a neighbour answered (a {@link CallOutcome}) into the
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

    /**
     * A CreateOrder that did not return the order, as a step failure: a refusal as the call describes it, no answer in
     * the Order service client's own words.
     */
    static StepFailure orderStepFailure(CallFailure failure) {
        if (failure instanceof CallFailure.Refused) {
            return new StepFailure.Refused(failure.describe());
        }
        if (failure instanceof CallFailure.Unknown unknown) {
            return new StepFailure.Unknown(unknown.reason());
        }
        return new StepFailure.Unavailable(((CallFailure.Unavailable) failure).reason());
    }
}
