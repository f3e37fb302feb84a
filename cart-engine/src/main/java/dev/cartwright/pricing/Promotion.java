package dev.cartwright.pricing;

import java.util.Currency;
import java.util.Objects;

/**
 * A promotion customers apply by code: its rule, when it is valid, the order subtotal it needs, how often one
 * customer may use it, and whether it may be combined with other promotions in the same cart.
 *
 * @param description what the customer is told the promotion is, e.g. "10 % off shoes"
 * @param minimumOrder the cart subtotal (before any discount) the promotion needs; zero for none
 * @param usageLimitPerCustomer how many times one customer may use it; {@link #UNLIMITED} for no limit
 * @param combinable false when the promotion must be the only one in its cart
 */
public record Promotion(
    String code,
    String description,
    PromotionRule rule,
    ValidityWindow validity,
    Money minimumOrder,
    int usageLimitPerCustomer,
    boolean combinable) {

    public static final int UNLIMITED = Integer.MAX_VALUE;

    public Promotion {
        PriceEntry.requireText(code, "code");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(validity, "validity");
        Objects.requireNonNull(minimumOrder, "minimumOrder");
        if (minimumOrder.isNegative()) {
            throw new IllegalArgumentException("minimumOrder must not be negative: " + code);
        }
        if (usageLimitPerCustomer < 1) {
            throw new IllegalArgumentException("usageLimitPerCustomer must be at least 1: " + code);
        }
        if (rule instanceof PromotionRule.AmountOff amountOff) {
            minimumOrder.requireSameCurrency(amountOff.amount());
        }
    }

    /** A combinable promotion valid at all times, with no minimum and no usage limit. */
    public static Promotion simple(String code, PromotionRule rule, Currency currency) {
        return new Promotion(code, code, rule, ValidityWindow.always(), Money.zero(currency), UNLIMITED, true);
    }

    public Promotion withValidity(ValidityWindow window) {
        return new Promotion(code, description, rule, window, minimumOrder, usageLimitPerCustomer, combinable);
    }

    public Promotion withMinimumOrder(Money minimum) {
        return new Promotion(code, description, rule, validity, minimum, usageLimitPerCustomer, combinable);
    }

    public Promotion withUsageLimitPerCustomer(int limit) {
        return new Promotion(code, description, rule, validity, minimumOrder, limit, combinable);
    }

    public Promotion withCombinable(boolean canCombine) {
        return new Promotion(code, description, rule, validity, minimumOrder, usageLimitPerCustomer, canCombine);
    }
}
