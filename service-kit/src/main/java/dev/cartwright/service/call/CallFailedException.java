package dev.cartwright.service.call;

/**
 * A {@link CallFailure} carried by a failed future, for code that composes futures rather than matching outcomes. It
 * has no stack trace: it is an answer about a neighbour, not a bug here.
 */
public final class CallFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient CallFailure failure;

    public CallFailedException(CallFailure failure) {
        super(failure.describe(), null, false, false);
        this.failure = failure;
    }

    public CallFailure failure() {
        return failure;
    }
}
