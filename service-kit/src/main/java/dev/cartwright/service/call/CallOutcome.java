package dev.cartwright.service.call;

import io.vertx.core.Future;
import java.util.Objects;
import java.util.function.Function;

/** How a guarded call ended: the neighbour's answer, or a {@link CallFailure} saying which kind of no-answer it was. */
public sealed interface CallOutcome<T> {

    /** The neighbour's answer ({@code null} only for a call that answers nothing). */
    record Answered<T>(T value) implements CallOutcome<T> {
    }

    record Failed<T>(CallFailure failure) implements CallOutcome<T> {
        public Failed {
            Objects.requireNonNull(failure, "failure");
        }
    }

    /** The answer mapped by {@code f}; a failure stays as it is. */
    default <R> CallOutcome<R> map(Function<? super T, ? extends R> f) {
        if (this instanceof Answered<T> answered) {
            return new Answered<>(f.apply(answered.value()));
        }
        return new Failed<>(((Failed<T>) this).failure());
    }

    /** For callers that keep failures in the future: the answer, or a future failed with {@link CallFailedException}. */
    default Future<T> toFuture() {
        if (this instanceof Answered<T> answered) {
            return Future.succeededFuture(answered.value());
        }
        return Future.failedFuture(new CallFailedException(((Failed<T>) this).failure()));
    }
}
