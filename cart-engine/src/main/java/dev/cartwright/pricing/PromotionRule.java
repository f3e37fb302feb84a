package dev.cartwright.pricing;

import java.util.Objects;

/**
 * What a promotion takes off. Rules targeting a product or category are line-level discounts; rules
 * targeting the whole order are order-level discounts, allocated back to lines by largest remainder.
 */
public sealed interface PromotionRule
    permits PromotionRule.PercentOff, PromotionRule.AmountOff, PromotionRule.BuyXGetY, PromotionRule.FreeShipping {

    /**
     * A percentage off the target, in basis points (1 500 = 15 %). Each covered line (or the order) loses
     * {@code round(amount * bp / 10 000)}, rounded half-up, never more than it still costs.
     */
    record PercentOff(int basisPoints, Target target) implements PromotionRule {
        public PercentOff {
            Objects.requireNonNull(target, "target");
            if (basisPoints <= 0 || basisPoints > MinorUnits.FULL_BASIS_POINTS) {
                throw new IllegalArgumentException("basisPoints must be within 1..10000: " + basisPoints);
            }
        }
    }

    /**
     * A fixed amount off the target, once per cart: off the order, or off the covered lines together (shared
     * among them by largest remainder). Capped at what the target still costs.
     */
    record AmountOff(Money amount, Target target) implements PromotionRule {
        public AmountOff {
            Objects.requireNonNull(amount, "amount");
            Objects.requireNonNull(target, "target");
            if (!amount.isPositive()) {
                throw new IllegalArgumentException("amount must be positive: " + amount);
            }
        }
    }

    /**
     * Buy {@code buy} get {@code get} free among the covered units: of every {@code buy + get} covered units in
     * the cart, {@code get} are free, and the free ones are the cheapest covered units.
     */
    record BuyXGetY(int buy, int get, Target target) implements PromotionRule {
        public BuyXGetY {
            Objects.requireNonNull(target, "target");
            if (buy < 1 || get < 1) {
                throw new IllegalArgumentException("buy and get must be at least 1: buy " + buy + ", get " + get);
            }
        }
    }

    /** The shipping amount the customer chose is waived. */
    record FreeShipping() implements PromotionRule {
    }
}
