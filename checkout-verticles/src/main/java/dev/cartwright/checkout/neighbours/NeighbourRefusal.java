package dev.cartwright.checkout.neighbours;

import io.vertx.grpc.common.GrpcStatus;

/**
 * A neighbour's definite "no" to a call that changes something: it answered with a status that is not an outage
 * (FAILED_PRECONDITION for stock that is not there, NOT_FOUND for a reservation it does not know, ...). Unlike an
 * outage this is an answer, so retrying the same call would get the same one; callers decide what it means for
 * them. The message is the neighbour's own.
 */
public final class NeighbourRefusal extends RuntimeException {

    private final String neighbour;
    private final String operation;
    private final GrpcStatus status;

    public NeighbourRefusal(String neighbour, String operation, GrpcStatus status, String message) {
        super(neighbour + " refused " + operation + " (" + status.name() + "): " + message, null, false, false);
        this.neighbour = neighbour;
        this.operation = operation;
        this.status = status;
    }

    public String neighbour() {
        return neighbour;
    }

    public String operation() {
        return operation;
    }

    public GrpcStatus status() {
        return status;
    }

    /** The neighbour's own message, without our prefix. */
    public String detail() {
        String message = getMessage();
        int colon = message.indexOf("): ");
        return colon < 0 ? message : message.substring(colon + 3);
    }
}
