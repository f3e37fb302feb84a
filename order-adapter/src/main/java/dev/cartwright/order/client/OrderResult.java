package dev.cartwright.order.client;

import dev.cartwright.proto.platform.v1.OrderDetails;

import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;

/**
 * How a call to the Order service ended: the order, no such order, a definite refusal (the service answered "no"),
 * or the service could not be reached (safe to retry: CreateOrder is idempotent by checkout id).
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

    /** Down, timed out, or the circuit is open; nothing is known about the outcome of a CreateOrder. */
    record Unavailable(String reason) implements OrderResult {
    }

    /**
     * For a gRPC edge: the order, or the failure as a {@link StatusException} (NOT_FOUND, the refusal's own status,
     * or UNAVAILABLE).
     */
    default Future<OrderDetails> toFuture() {
        // Java 17: no pattern switch; the interface is sealed, so these four are every case.
        if (this instanceof Order order) {
            return Future.succeededFuture(order.details());
        }
        if (this instanceof NotFound notFound) {
            return Future.failedFuture(new StatusException(GrpcStatus.NOT_FOUND, "no order " + notFound.orderId()));
        }
        if (this instanceof Refused refused) {
            return Future.failedFuture(new StatusException(refused.status(), refused.message()));
        }
        Unavailable unavailable = (Unavailable) this;
        return Future.failedFuture(new StatusException(GrpcStatus.UNAVAILABLE, unavailable.reason()));
    }
}
