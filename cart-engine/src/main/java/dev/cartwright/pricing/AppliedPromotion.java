package dev.cartwright.pricing;

/**
 * A promotion that took effect in a totals result, and how much it took off in minor units (for free
 * shipping, the shipping amount waived). A code can apply and take nothing off, e.g. a product discount for a
 * product not in the cart.
 */
public record AppliedPromotion(String code, long discount) {
}
