package dev.cartwright.returns.neighbours;

import io.vertx.grpc.common.GrpcStatus;

/**
 * A call to a neighbour that did not succeed: which neighbour, the gRPC status it ended with, and whether trying
 * again later may help (the neighbour was down, slow, or its circuit is open) or not (it refused the request).
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
