package dev.cartwright.service.call;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.RetryPolicy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Owns the way out to one neighbour: a vertx-circuit-breaker {@link CircuitBreaker} with a deadline per attempt,
 * retries of the calls that got no definite answer (exponential back-off with jitter, the breaker's own retry policy),
 * and the classification of how a call ended ({@link CallClassification}).
 *
 * <p>An attempt that the neighbour answered, with a value or with a refusal, is a success for the breaker: it resets
 * the failure count and is not retried. Only attempts that got no answer (unavailable or unknown) are retried and
 * count towards opening the circuit. An attempt is observed here, not in the breaker, so that a call whose first
 * attempt ended in doubt stays {@link CallFailure.Unknown} whatever its later attempts found.
 */
public final class GuardedCall {

    /** Our own deadline for one attempt ran out: the request may have been carried out. */
    static final class TimedOut extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TimedOut(long millis) {
            super("no answer within " + millis + " ms", null, false, false);
        }
    }

    private final String neighbour;
    private final Vertx vertx;
    private final CallPolicy policy;
    private final CircuitBreaker breaker;

    public GuardedCall(String neighbour, Vertx vertx, CallPolicy policy) {
        this.neighbour = neighbour;
        this.vertx = vertx;
        this.policy = policy;
        this.breaker = CircuitBreaker.create("neighbour-" + neighbour, vertx, new CircuitBreakerOptions()
                // The deadline is kept per attempt below, where the attempt's outcome is seen.
                .setTimeout(-1)
                .setMaxFailures(policy.maxFailures())
                .setResetTimeout(policy.resetTimeout().toMillis())
                .setMaxRetries(policy.retries())
                .setNotificationAddress(null))
            .retryPolicy(RetryPolicy.exponentialDelayWithJitter(policy.retryBase().toMillis(), policy.retryMax().toMillis()));
    }

    public String neighbour() {
        return neighbour;
    }

    public CallPolicy policy() {
        return policy;
    }

    public CircuitBreakerState state() {
        return breaker.state();
    }

    /** Publishes {@code cartwright.neighbour.breaker.open} (1 while open or half-open) for this neighbour. */
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("cartwright.neighbour.breaker.open", breaker, b -> b.state() == CircuitBreakerState.CLOSED ? 0 : 1)
            .description("1 while the neighbour's circuit breaker is open or half-open")
            .tag("neighbour", neighbour)
            .register(registry);
    }

    /**
     * Runs {@code attempt} (each call of the supplier is one attempt) under the policy. The future always succeeds:
     * with the answer, or with the {@link CallFailure} the last attempt ended in.
     */
    public <T> Future<CallOutcome<T>> call(String operation, Supplier<Future<T>> attempt) {
        AtomicBoolean inDoubt = new AtomicBoolean();
        Future<CallOutcome<T>> run = breaker.execute(() -> once(operation, attempt, inDoubt));
        return run.recover(e -> {
            CallFailure failure = CallClassification.failure(neighbour, operation, e);
            if (inDoubt.get() && !(failure instanceof CallFailure.Unknown)) {
                failure = new CallFailure.Unknown(neighbour, operation, "an earlier attempt got no answer; now "
                    + CallClassification.why(e));
            }
            return Future.succeededFuture(new CallOutcome.Failed<>(failure));
        });
    }

    /** {@link #call}, for code that keeps failures in the future: fails with {@link CallFailedException}. */
    public <T> Future<T> orFail(String operation, Supplier<Future<T>> attempt) {
        return call(operation, attempt).compose(CallOutcome::toFuture);
    }

    private <T> Future<CallOutcome<T>> once(String operation, Supplier<Future<T>> attempt, AtomicBoolean inDoubt) {
        Promise<CallOutcome<T>> done = Promise.promise();
        long deadline = policy.timeout().toMillis();
        long timer = vertx.setTimer(deadline, id -> {
            if (done.tryFail(new TimedOut(deadline))) {
                inDoubt.set(true);
            }
        });
        Future<T> sent;
        try {
            sent = attempt.get();
        } catch (RuntimeException e) {
            sent = Future.failedFuture(e);
        }
        sent.onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (ar.succeeded()) {
                done.tryComplete(new CallOutcome.Answered<>(ar.result()));
                return;
            }
            CallFailure failure = CallClassification.failure(neighbour, operation, ar.cause());
            if (failure instanceof CallFailure.Refused) {
                // An answer: the breaker counts it as a success and does not retry it.
                done.tryComplete(new CallOutcome.Failed<>(failure));
                return;
            }
            if (done.tryFail(ar.cause()) && failure instanceof CallFailure.Unknown) {
                inDoubt.set(true);
            }
        });
        return done.future();
    }

    public void close() {
        breaker.close();
    }
}
