package dev.cartwright.checkout.domain;

import java.util.Locale;

/** Where a checkout is in its life; stored as the lower-case name. */
public enum CheckoutState {
    /** Addresses and shipping can change; ConfirmCheckout may start. */
    OPEN,
    /** The confirm saga runs (or waits to be resumed). */
    CONFIRMING,
    /** The order exists and is paid; the cart is converted. */
    COMPLETED,
    /** The saga failed and what it had done was undone. */
    FAILED,
    /** Superseded by a newer checkout of the same cart. */
    EXPIRED;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CheckoutState fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
