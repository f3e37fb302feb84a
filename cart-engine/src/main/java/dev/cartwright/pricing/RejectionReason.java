package dev.cartwright.pricing;

/**
 * Why a promotion code cannot apply to a cart. Each value is distinct so the API edge can name it in a
 * FAILED_PRECONDITION status (or report it as "not applied" in totals).
 */
public enum RejectionReason {
    /** No promotion has this code in the current snapshot. */
    UNKNOWN_CODE,
    /** The promotion's validity window has not started yet. */
    NOT_YET_VALID,
    /** The promotion's validity window has ended. */
    EXPIRED,
    /** The cart subtotal is below the promotion's minimum order amount. */
    MINIMUM_NOT_MET,
    /** The customer has used the promotion as often as it allows. */
    USAGE_LIMIT_REACHED,
    /** The promotion, or one already in the cart, does not combine with others. */
    NOT_COMBINABLE,
    /** The cart already carries the most promotions one cart may. */
    TOO_MANY_PROMOTIONS,
    /** The cart already carries this code. */
    ALREADY_APPLIED
}
