package dev.cartwright.checkout.neighbours;

/**
 * A call that changes something got no definite answer: it timed out, its stream was reset or its connection
 * closed after it was sent, so the neighbour may have acted or not. Unlike an outage ("not done, safe to retry")
 * this is "maybe done": only the same call with the same idempotency key can tell, and nothing that undoes the
 * call's effects may run until it has.
 */
public final class NeighbourOutcomeUnknown extends RuntimeException {

    private final String neighbour;
    private final String operation;

    public NeighbourOutcomeUnknown(String neighbour, String operation, String why) {
        super(neighbour + " did not answer " + operation + " (" + why + "); it may have acted", null, false, false);
        this.neighbour = neighbour;
        this.operation = operation;
    }

    public String neighbour() {
        return neighbour;
    }

    public String operation() {
        return operation;
    }
}
