package dev.cartwright.checkout.domain;

/**
 * Why a checkout request was refused (FAILED_PRECONDITION): one stable value for each refusal the workflow and the saga
 * make, so that a storefront can act on it without reading the message. The gRPC edge turns each into its ErrorInfo
 * reason.
 */
public enum CheckoutRefusal {

    /** StartCheckout on a cart that is not active (converted, merged, abandoned). */
    CART_NOT_ACTIVE,
    /** StartCheckout on a cart without lines. */
    CART_EMPTY,
    /** Another checkout of the cart is being confirmed or completed. */
    CART_CHECKOUT_UNDERWAY,
    /** The warehouse refused to reserve (StartCheckout) or to keep (ConfirmCheckout) the stock of the lines. */
    STOCK_NOT_RESERVED,
    /** The checkout is no longer open (confirming, completed, failed or expired), so it cannot change or be confirmed. */
    CHECKOUT_NOT_OPEN,
    /** A newer checkout of the cart replaced this one: start a new checkout. */
    CHECKOUT_EXPIRED,
    /** Its confirmation has not finished and waits for staff; neither confirmed nor undone automatically. */
    CHECKOUT_NEEDS_ATTENTION,
    /** No shipping address was set and none can be defaulted (a guest, an unknown customer, no default address). */
    SHIPPING_ADDRESS_REQUIRED,
    /** SelectShippingMethod named a method this checkout does not offer. */
    SHIPPING_METHOD_NOT_OFFERED,
    /** Nothing ships to the destination: the shipping service refused it or offered no method. */
    NO_SHIPPING_METHOD,
    /**
     * A checkout the Order service started carries no complete quote of its (no shipping quoted, or stored totals that
     * do not add up): it is not repriced silently; setting the shipping address has it quoted here.
     */
    ORDER_SERVICE_QUOTE_INCOMPLETE,
    /** The cart changed (or was converted, merged, abandoned) after the checkout froze it; the checkout failed. */
    CART_CHANGED,
    /** The payment was declined (or its authorization holds no money); the checkout failed. */
    PAYMENT_DECLINED,
    /** The Order service refused the order; the checkout failed. */
    ORDER_REFUSED,
    /** The checkout failed for another reason (or before its failed step was recorded); the message says which. */
    CHECKOUT_FAILED;

    /** The refusal a checkout that failed at {@code step} (its wire name, empty if unknown) answers with. */
    public static CheckoutRefusal failedAt(String step) {
        return switch (SagaStep.byWireName(step).orElse(SagaStep.COMPLETE)) {
            case REPRICE -> CART_CHANGED;
            case RESERVE_STOCK, EXTEND_RESERVATION -> STOCK_NOT_RESERVED;
            case AUTHORIZE_PAYMENT -> PAYMENT_DECLINED;
            case CREATE_ORDER -> ORDER_REFUSED;
            case COMMIT_RESERVATION, CAPTURE_PAYMENT, CONVERT_CART, COMPLETE -> CHECKOUT_FAILED;
        };
    }
}
