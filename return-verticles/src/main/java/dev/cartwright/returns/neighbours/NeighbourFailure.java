package dev.cartwright.returns.neighbours;

import dev.cartwright.service.call.CallFailure;
import io.vertx.grpc.common.GrpcStatus;

/**
 * A call to a neighbour that did not succeed: which neighbour, the gRPC status it ended with, and whether trying
 * again later may help (the neighbour was down or slow, its circuit is open, or the outcome is unknown: every call the
 * Return Service makes carries an idempotency key, so repeating it is how an unknown outcome is resolved) or not (it
 * refused the request).
 */
public final class NeighbourFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String neighbour;
    private final GrpcStatus status;
    private final boolean retryable;

    public NeighbourFailure(String neighbour, GrpcStatus status, boolean retryable, String message, Throwable cause) {
        super(neighbour + ": " + status + (message == null || message.isEmpty() ? "" : " (" + message + ")"), cause);
        this.neighbour = neighbour;
        this.status = status;
        this.retryable = retryable;
    }

    /** The failure of a guarded call, classified by the services' one policy. */
    public static NeighbourFailure of(CallFailure failure) {
        String detail = failure instanceof CallFailure.Refused refused ? refused.message() : failure.describe();
        return new NeighbourFailure(failure.neighbour(), failure.status(), !(failure instanceof CallFailure.Refused), detail, null);
    }

    public String neighbour() {
        return neighbour;
    }

    public GrpcStatus status() {
        return status;
    }

    public boolean retryable() {
        return retryable;
    }
}
