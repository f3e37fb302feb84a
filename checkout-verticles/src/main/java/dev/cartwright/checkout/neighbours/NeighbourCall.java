package dev.cartwright.checkout.neighbours;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.StreamResetException;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcErrorException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Owns the way out to one neighbour: its circuit breaker (a timeout per call, opening after repeated
 * failures, half-open after a pause), bounded retries of idempotent reads with backoff, and the
 * translation of every failure into UNAVAILABLE, which tells our own caller the request is safe to retry.
 *
 * <p>Only the neighbour's own trouble counts against the breaker: a transport failure, a timeout, or a
 * status of UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, UNKNOWN or RESOURCE_EXHAUSTED. A NOT_FOUND or
 * INVALID_ARGUMENT is an answer, not an outage.
 */
public final class NeighbourCall {

    private static final long FIRST_BACKOFF_MS = 50;

    private final String name;
    private final Vertx vertx;
    private final CircuitBreaker breaker;
    private final int retries;

    public NeighbourCall(String name, Vertx vertx, Duration timeout, int maxFailures, Duration reset, int retries) {
        this.name = name;
        this.vertx = vertx;
        this.retries = retries;
        this.breaker = CircuitBreaker.create("neighbour-" + name, vertx, new CircuitBreakerOptions()
                .setTimeout(timeout.toMillis())
                .setMaxFailures(maxFailures)
                .setResetTimeout(reset.toMillis())
                .setMaxRetries(0)
                .setNotificationAddress(null))
            .failurePolicy(future -> future.failed() && isTransient(future.cause()));
    }

    public String name() {
        return name;
    }

    public CircuitBreakerState state() {
        return breaker.state();
    }

    /** Publishes {@code cartwright.neighbour.breaker.open} (1 while open) for this neighbour. */
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("cartwright.neighbour.breaker.open", breaker, b -> b.state() == CircuitBreakerState.CLOSED ? 0 : 1)
            .description("1 while the neighbour's circuit breaker is open or half-open")
            .tag("neighbour", name)
            .register(registry);
    }

    /** A call that must not be repeated by us (it changes something): one attempt through the breaker. */
    public <T> Future<T> once(String operation, Supplier<Future<T>> call) {
        return breaker.<T>execute(call).recover(e -> Future.failedFuture(unavailable(operation, e)));
    }

    /** An idempotent read: retried up to the configured count on transient failures, never while the breaker is open. */
    public <T> Future<T> read(String operation, Supplier<Future<T>> call) {
        return attempt(operation, call, 0, false, false);
    }

    /**
     * A change made safe to repeat by its idempotency key (or by its nature): retried like a read on transient
     * failures. A definite answer that is not OK fails with {@link NeighbourRefusal} carrying the neighbour's status
     * and message, so the caller can tell "no" from "not reachable". When no attempt got a definite answer and at least
     * one may have reached the neighbour (timed out, reset, closed after sending), it fails with
     * {@link NeighbourOutcomeUnknown}; when none can have acted (circuit open, refused connection, UNAVAILABLE), with
     * UNAVAILABLE.
     */
    public <T> Future<T> idempotent(String operation, Supplier<Future<T>> call) {
        return attempt(operation, call, 0, true, false);
    }

    private <T> Future<T> attempt(String operation, Supplier<Future<T>> call, int attempt, boolean keepAnswers, boolean inDoubt) {
        return breaker.<T>execute(call).recover(e -> {
            if (keepAnswers && !(e instanceof OpenCircuitException) && !isTransient(e)) {
                return Future.failedFuture(new NeighbourRefusal(name, operation, statusOf(e), messageOf(e)));
            }
            boolean doubt = inDoubt || (keepAnswers && mayHaveActed(e));
            if (attempt >= retries || e instanceof OpenCircuitException || !isTransient(e)) {
                return Future.failedFuture(doubt ? new NeighbourOutcomeUnknown(name, operation, why(e)) : unavailable(operation, e));
            }
            Promise<T> retry = Promise.promise();
            vertx.setTimer(FIRST_BACKOFF_MS << attempt,
                id -> attempt(operation, call, attempt + 1, keepAnswers, doubt).onComplete(retry));
            return retry.future();
        });
    }

    /**
     * Whether a failed call may still have been carried out by the neighbour: the request may have reached it and only
     * the answer was lost (a timeout, a reset or closed stream, a status saying the deadline passed or the call was
     * cancelled, an INTERNAL or UNKNOWN error from its side). A call refused before it ran (open circuit, no connection,
     * UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED) was not.
     */
    static boolean mayHaveActed(Throwable e) {
        if (e instanceof OpenCircuitException || e instanceof java.net.ConnectException
            || e instanceof java.net.UnknownHostException || e instanceof io.netty.channel.ConnectTimeoutException) {
            return false;
        }
        GrpcStatus status = statusOf(e);
        if (status == null) {
            return true;
        }
        return switch (status) {
            case DEADLINE_EXCEEDED, CANCELLED, INTERNAL, UNKNOWN -> true;
            default -> false;
        };
    }

    private StatusException unavailable(String operation, Throwable e) {
        return new StatusException(GrpcStatus.UNAVAILABLE, name + " unavailable (" + operation + ": " + why(e) + ")");
    }

    private static String why(Throwable e) {
        if (e instanceof OpenCircuitException) {
            return "circuit open";
        }
        if (e instanceof io.vertx.circuitbreaker.TimeoutException) {
            return "timed out";
        }
        GrpcStatus status = statusOf(e);
        return status != null ? status.name() : String.valueOf(e.getMessage());
    }

    /** The neighbour's own words when it sent a status with a message. */
    static String messageOf(Throwable e) {
        if (e instanceof StatusException status && status.message() != null) {
            return status.message();
        }
        return String.valueOf(e.getMessage());
    }

    /** The gRPC status a failed neighbour call ended with, or null for a failure below gRPC. */
    static GrpcStatus statusOf(Throwable e) {
        if (e instanceof InvalidStatusException invalid) {
            return invalid.actualStatus();
        }
        if (e instanceof GrpcErrorException error) {
            return error.status();
        }
        if (e instanceof StatusException status) {
            return status.status();
        }
        return null;
    }

    static boolean isTransient(Throwable e) {
        if (e instanceof OpenCircuitException) {
            return false;
        }
        if (e instanceof StreamResetException) {
            return true;
        }
        GrpcStatus status = statusOf(e);
        if (status == null) {
            return true;
        }
        return switch (status) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, UNKNOWN, RESOURCE_EXHAUSTED, CANCELLED, ABORTED -> true;
            default -> false;
        };
    }
}
