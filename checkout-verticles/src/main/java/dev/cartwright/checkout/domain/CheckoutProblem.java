package dev.cartwright.checkout.domain;

import java.util.Objects;

/**
 * Why a checkout request could not be served, as the workflow decides it; the gRPC edge turns the kind into a
 * status (NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, ABORTED, UNAVAILABLE) and sends the message as is. It
 * carries no stack trace: it is an answer, not a bug.
 */
public final class CheckoutProblem extends RuntimeException {

    /** The kinds of answer, named after the status each becomes. */
    public enum Kind { NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, ABORTED, UNAVAILABLE }

    private final Kind kind;

    public CheckoutProblem(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }

    public static CheckoutProblem notFound(String checkoutId) {
        return new CheckoutProblem(Kind.NOT_FOUND, "checkout " + checkoutId + " not found");
    }

    public static CheckoutProblem invalid(String field, String problem) {
        return new CheckoutProblem(Kind.INVALID_ARGUMENT, field + " " + problem);
    }

    public static CheckoutProblem precondition(String message) {
        return new CheckoutProblem(Kind.FAILED_PRECONDITION, message);
    }

    public static CheckoutProblem aborted(String message) {
        return new CheckoutProblem(Kind.ABORTED, message);
    }

    public static CheckoutProblem unavailable(String message) {
        return new CheckoutProblem(Kind.UNAVAILABLE, message);
    }
}
