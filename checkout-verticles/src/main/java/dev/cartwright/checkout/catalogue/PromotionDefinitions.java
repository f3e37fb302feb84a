package dev.cartwright.checkout.catalogue;

import com.google.protobuf.Timestamp;
import dev.cartwright.pricing.Money;
import dev.cartwright.pricing.Promotion;
import dev.cartwright.pricing.PromotionRule;
import dev.cartwright.pricing.PromotionSet;
import dev.cartwright.pricing.Target;
import dev.cartwright.pricing.ValidityWindow;
import dev.cartwright.proto.platform.v1.ListPromotionsResponse;
import dev.cartwright.proto.platform.v1.PromotionDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the translation of the promotion neighbour's definitions into the pricing core's promotions. A
 * definition the core cannot express (unknown kind, other currency, impossible numbers) is left out with a
 * warning rather than failing the whole set: one bad promotion must not take the others down.
 *
 * <p>Amount-off promotions for a product or category take the amount off the covered lines together, once per
 * cart, as the pricing core defines them.
 */
public final class PromotionDefinitions {

    private static final Logger LOG = LoggerFactory.getLogger(PromotionDefinitions.class);

    private PromotionDefinitions() {
    }

    /** The set described by {@code response}, in {@code currency}. */
    public static PromotionSet toPromotionSet(ListPromotionsResponse response, Currency currency) {
        List<Promotion> promotions = new ArrayList<>();
        for (PromotionDefinition definition : response.getPromotionsList()) {
            try {
                promotions.add(toPromotion(definition, currency));
            } catch (IllegalArgumentException | ArithmeticException e) {
                LOG.warn("event=promotion_skipped code={} kind={} reason=\"{}\"", definition.getCode(), definition.getKind(),
                    e.getMessage());
            }
        }
        int max = response.getMaxPerCart() > 0 ? response.getMaxPerCart() : PromotionSet.DEFAULT_MAX_PER_CART;
        return PromotionSet.of(max, promotions);
    }

    static Promotion toPromotion(PromotionDefinition d, Currency currency) {
        String code = normaliseCode(d.getCode());
        PromotionRule rule = switch (d.getKind()) {
            case "percent_off_order" -> new PromotionRule.PercentOff(d.getPercentBp(), Target.wholeOrder());
            case "amount_off_order" -> new PromotionRule.AmountOff(money(d.getAmount(), currency), Target.wholeOrder());
            case "percent_off_product" -> new PromotionRule.PercentOff(d.getPercentBp(), Target.product(d.getProductId()));
            case "amount_off_product" -> new PromotionRule.AmountOff(money(d.getAmount(), currency), Target.product(d.getProductId()));
            case "percent_off_category" -> new PromotionRule.PercentOff(d.getPercentBp(), Target.category(d.getCategoryId()));
            case "amount_off_category" -> new PromotionRule.AmountOff(money(d.getAmount(), currency),
                Target.category(d.getCategoryId()));
            case "buy_x_get_y" -> new PromotionRule.BuyXGetY(d.getBuyQuantity(), d.getGetQuantity(), buyTarget(d));
            case "free_shipping" -> new PromotionRule.FreeShipping();
            default -> throw new IllegalArgumentException("unknown promotion kind " + d.getKind());
        };
        Instant from = d.hasValidFrom() ? instant(d.getValidFrom()) : Instant.MIN;
        Instant until = d.hasValidUntil() ? instant(d.getValidUntil()) : Instant.MAX;
        Money minimum = d.hasMinimumOrder() ? money(d.getMinimumOrder(), currency) : Money.zero(currency);
        int limit = d.getPerCustomerLimit() > 0 ? d.getPerCustomerLimit() : Promotion.UNLIMITED;
        String description = d.getDescription().isEmpty() ? code : d.getDescription();
        return new Promotion(code, description, rule, ValidityWindow.between(from, until), minimum, limit, d.getCombinable());
    }

    /** Codes are matched without regard to case; the core and the carts hold them in upper case. */
    public static String normaliseCode(String code) {
        return code.toUpperCase(Locale.ROOT);
    }

    private static Target buyTarget(PromotionDefinition d) {
        if (!d.getProductId().isEmpty()) {
            return Target.product(d.getProductId());
        }
        if (!d.getCategoryId().isEmpty()) {
            return Target.category(d.getCategoryId());
        }
        return Target.wholeOrder();
    }

    private static Money money(dev.cartwright.proto.common.v1.Money amount, Currency currency) {
        if (!amount.getCurrencyCode().isEmpty() && !amount.getCurrencyCode().equals(currency.getCurrencyCode())) {
            throw new IllegalArgumentException("amount in " + amount.getCurrencyCode() + ", the price book is in " + currency);
        }
        return Money.of(amount.getAmountMinor(), currency);
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }
}
