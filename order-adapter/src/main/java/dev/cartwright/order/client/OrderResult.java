package dev.cartwright.order.client;

import dev.cartwright.proto.platform.v1.OrderDetails;

import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;

/**
 * How a call to the Order service ended: the order, no such order, a definite refusal (the service answered "no"),
 * the service could not be reached (nothing happened), or no answer came after the call was sent (it may have acted).
 */
public sealed interface OrderResult {

    /** The order as the Order service holds it. */
    record Order(OrderDetails details) implements OrderResult {
    }

    /** GetOrder for an id the Order service does not know. */
    record NotFound(String orderId) implements OrderResult {
    }

    /** A definite answer other than OK and NOT_FOUND (e.g. INVALID_ARGUMENT), with the service's own words. */
    record Refused(GrpcStatus status, String message) implements OrderResult {
    }

    /** Down, refused the connection, or the circuit is open: the call cannot have been carried out. */
    record Unavailable(String reason) implements OrderResult {
    }

    /**
     * The call was sent and no answer came (a deadline, a reset stream): a CreateOrder may have created the order. The
     * same call with the same idempotency key tells, and returns that order if it exists.
     */
    record Unknown(String reason) implements OrderResult {
    }

    /**
     * For a gRPC edge: the order, or the failure as a {@link StatusException} (NOT_FOUND, the refusal's own status,
     * or UNAVAILABLE: a client retries with the same key either way).
     */
    default Future<OrderDetails> toFuture() {
        // Java 17: no pattern switch; the interface is sealed, so these five are every case.
        if (this instanceof Order order) {
            return Future.succeededFuture(order.details());
        }
        if (this instanceof NotFound notFound) {
            return Future.failedFuture(new StatusException(GrpcStatus.NOT_FOUND, "no order " + notFound.orderId()));
        }
        if (this instanceof Refused refused) {
            return Future.failedFuture(new StatusException(refused.status(), refused.message()));
        }
        if (this instanceof Unknown unknown) {
            return Future.failedFuture(new StatusException(GrpcStatus.UNAVAILABLE, unknown.reason() + "; retry with the same key"));
        }
        Unavailable unavailable = (Unavailable) this;
        return Future.failedFuture(new StatusException(GrpcStatus.UNAVAILABLE, unavailable.reason()));
    }
}
