package dev.cartwright.returns.domain;

/** Units of one order line that come back in one return, and why. */
public record ReturnedUnits(String orderItemId, int quantity, ReturnReason reason) {

    public ReturnedUnits {
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be positive, was " + quantity);
        }
    }
}
