package dev.cartwright.checkout.domain;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a checkout request could not be served, as the workflow decides it; the gRPC edge turns the kind into a
 * status (NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, ABORTED, UNAVAILABLE) and sends the message as is. A
 * FAILED_PRECONDITION also says which {@link CheckoutRefusal} it is, with the facts a client may act on (the checkout's
 * state, the step that failed, the method asked for). It carries no stack trace: it is an answer, not a bug.
 */
public final class CheckoutProblem extends RuntimeException {

    /** The kinds of answer, named after the status each becomes. */
    public enum Kind { NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, ABORTED, UNAVAILABLE }

    /** What a NOT_FOUND did not find. */
    public enum Missing { CHECKOUT, CART }

    private final Kind kind;
    private final Optional<CheckoutRefusal> refusal;
    private final Missing missing;
    private final Optional<CheckoutState> state;
    private final Map<String, String> facts;

    /** An answer of any kind but FAILED_PRECONDITION, which needs its {@link CheckoutRefusal} (a NOT_FOUND is of a checkout). */
    public CheckoutProblem(Kind kind, String message) {
        this(kind, Missing.CHECKOUT, Optional.empty(), Optional.empty(), Map.of(), message);
        if (kind == Kind.FAILED_PRECONDITION) {
            throw new IllegalArgumentException("a FAILED_PRECONDITION says which refusal it is");
        }
    }

    private CheckoutProblem(Kind kind, Missing missing, Optional<CheckoutRefusal> refusal, Optional<CheckoutState> state,
                            Map<String, String> facts, String message) {
        super(message, null, false, false);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.refusal = Objects.requireNonNull(refusal, "refusal");
        this.missing = Objects.requireNonNull(missing, "missing");
        this.state = Objects.requireNonNull(state, "state");
        this.facts = Map.copyOf(facts);
    }

    public Kind kind() {
        return kind;
    }

    /** What a NOT_FOUND did not find (CHECKOUT for the other kinds). */
    public Missing missing() {
        return missing;
    }

    /** Which refusal a FAILED_PRECONDITION is; empty for the other kinds. */
    public Optional<CheckoutRefusal> refusal() {
        return refusal;
    }

    /** The checkout's state when the refusal is about it (CHECKOUT_NOT_OPEN). */
    public Optional<CheckoutState> state() {
        return state;
    }

    /** Ids and names a client may act on, by snake_case key (step, shipping_method_id); in no particular order. */
    public Map<String, String> facts() {
        return facts;
    }

    /** The same answer with {@code key=value} among its facts. */
    public CheckoutProblem with(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(facts);
        more.put(key, value);
        return new CheckoutProblem(kind, missing, refusal, state, more, getMessage());
    }

    public static CheckoutProblem notFound(String checkoutId) {
        return new CheckoutProblem(Kind.NOT_FOUND, "checkout " + checkoutId + " not found");
    }

    /** NOT_FOUND for a cart (StartCheckout's), not a checkout. */
    public static CheckoutProblem cartNotFound(String cartId) {
        return new CheckoutProblem(Kind.NOT_FOUND, Missing.CART, Optional.empty(), Optional.empty(), Map.of(),
            "cart " + cartId + " not found");
    }

    public static CheckoutProblem invalid(String field, String problem) {
        return new CheckoutProblem(Kind.INVALID_ARGUMENT, field + " " + problem);
    }

    public static CheckoutProblem precondition(CheckoutRefusal refusal, String message) {
        return new CheckoutProblem(Kind.FAILED_PRECONDITION, Missing.CHECKOUT, Optional.of(refusal), Optional.empty(), Map.of(), message);
    }

    /** A transition the checkout refused in its {@code current} state: CHECKOUT_NOT_OPEN naming the state. */
    public static CheckoutProblem notOpen(CheckoutState current, String message) {
        return new CheckoutProblem(Kind.FAILED_PRECONDITION, Missing.CHECKOUT, Optional.of(CheckoutRefusal.CHECKOUT_NOT_OPEN),
            Optional.of(current), Map.of(), message);
    }

    /**
     * How a checkout that failed for good answers: {@code kind} (FAILED_PRECONDITION for a refusal, UNAVAILABLE for an
     * outage), the refusal its failed step stands for (a refusal only), and the step.
     */
    public static CheckoutProblem failed(Kind kind, String step, String message) {
        Optional<CheckoutRefusal> refusal = kind == Kind.FAILED_PRECONDITION ? Optional.of(CheckoutRefusal.failedAt(step))
            : Optional.empty();
        return new CheckoutProblem(kind, Missing.CHECKOUT, refusal, Optional.empty(),
            step.isEmpty() ? Map.of() : Map.of("step", step), message);
    }

    public static CheckoutProblem aborted(String message) {
        return new CheckoutProblem(Kind.ABORTED, message);
    }

    public static CheckoutProblem unavailable(String message) {
        return new CheckoutProblem(Kind.UNAVAILABLE, message);
    }
}
