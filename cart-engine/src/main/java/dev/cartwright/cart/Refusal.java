package dev.cartwright.cart;

/** Why a well-formed change was not applied to a cart; each is a rule of the cart, checked atomically by the store. */
public enum Refusal {
    /** The line's quantity would leave the range of {@code CartLimits}. */
    QUANTITY_LIMIT,
    /** A new line would exceed {@code CartLimits.maxLinesPerCart}. */
    LINE_LIMIT,
    /** The cart is MERGED, CONVERTED or ABANDONED (or not ACTIVE where the change needs it). */
    NOT_ACTIVE,
    /** The product has no line in the cart. */
    NO_SUCH_LINE,
    PROMOTION_ALREADY_APPLIED,
    PROMOTION_NOT_APPLIED,
    /** Merging carts of different currencies. */
    CURRENCY_MISMATCH,
    /** The idempotency key was first used for another request: nothing is replayed and nothing is changed. */
    KEY_REUSED
}
