package dev.cartwright.cart;

/**
 * Fails the future of a store operation that returns a cart rather than a {@link MutationResult}
 * ({@code createOrGetActive}, {@code merge}) when one of its steps was not applied; the edge maps {@link #result()}
 * exactly as it maps a MutationResult.
 */
public final class CartMutationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient MutationResult result;

    public CartMutationException(String cartId, MutationResult result) {
        super("cart " + cartId + ": " + result, null, false, false);
        if (result instanceof MutationResult.Applied) {
            throw new IllegalArgumentException("an applied change is not a failure");
        }
        this.result = result;
    }

    public MutationResult result() {
        return result;
    }
}
