package dev.cartwright.cart;

import java.util.List;
import java.util.Objects;

import dev.cartwright.pricing.CartLimits;

/**
 * The changes a cart takes. Each record checks its own shape (bad input never reaches the store); the rules that
 * depend on the cart's state (limits, status, existing lines) are checked by the store atomically with the write.
 * Commands that can grow a cart carry the {@link CartLimits} of the caller's current pricing snapshot.
 */
public sealed interface CartCommand {

    /** The name of the change in the change stream and in logs. */
    String kind();

    /**
     * A new ACTIVE cart; for a customer, the store keeps one ACTIVE cart and answers with it if there is one (as
     * {@code Applied} with {@code replayed} true: nothing was created).
     */
    record CreateCart(String customerId, String currency, String region) implements CartCommand {
        public CreateCart {
            CartText.requireCustomerId(customerId);
            CartText.requireCurrency(currency);
            Objects.requireNonNull(region, "region");
        }

        @Override
        public String kind() {
            return "create";
        }
    }

    /**
     * Adds {@code quantity} units of a product: to its line if the cart has one (the line takes the given price,
     * category and name), else as a new line. The product's category, name and unit price come from the caller's
     * price snapshot.
     */
    record AddItem(String productId, String categoryId, String name, int quantity, long unitPriceMinor, CartLimits limits)
        implements CartCommand {
        public AddItem {
            CartText.requireProductId(productId);
            CartText.requireCategoryId(categoryId);
            Objects.requireNonNull(name, "name");
            if (quantity < 1) {
                throw new IllegalArgumentException("quantity must be at least 1: " + quantity);
            }
            if (unitPriceMinor < 0) {
                throw new IllegalArgumentException("unitPriceMinor must not be negative: " + unitPriceMinor);
            }
            Objects.requireNonNull(limits, "limits");
        }

        @Override
        public String kind() {
            return "add";
        }
    }

    /** Sets a line's quantity; 0 removes the line. */
    record SetQuantity(String productId, int quantity, CartLimits limits) implements CartCommand {
        public SetQuantity {
            CartText.requireProductId(productId);
            if (quantity < 0) {
                throw new IllegalArgumentException("quantity must not be negative: " + quantity);
            }
            Objects.requireNonNull(limits, "limits");
        }

        @Override
        public String kind() {
            return "set";
        }
    }

    record RemoveItem(String productId) implements CartCommand {
        public RemoveItem {
            CartText.requireProductId(productId);
        }

        @Override
        public String kind() {
            return "remove";
        }
    }

    /** Removes every line; applied promotion codes stay. */
    record ClearCart() implements CartCommand {
        @Override
        public String kind() {
            return "clear";
        }
    }

    /** Adds a code the caller has checked against the pricing core; the store only refuses a code applied twice. */
    record ApplyPromotion(String code) implements CartCommand {
        public ApplyPromotion {
            CartText.requirePromotionCode(code);
        }

        @Override
        public String kind() {
            return "promo-add";
        }
    }

    record RemovePromotion(String code) implements CartCommand {
        public RemovePromotion {
            CartText.requirePromotionCode(code);
        }

        @Override
        public String kind() {
            return "promo-remove";
        }
    }

    /**
     * Folds another cart's lines and codes into this one: quantities of the same product are summed and capped at
     * the limit, new lines beyond the line limit are left out, codes not yet applied are appended. Applied once per
     * source cart.
     */
    record MergeFrom(String sourceCartId, String sourceCurrency, List<CartLine> lines, List<String> promotionCodes, CartLimits limits)
        implements CartCommand {
        public MergeFrom {
            CartText.requireCartId(sourceCartId);
            CartText.requireCurrency(sourceCurrency);
            lines = List.copyOf(lines);
            promotionCodes = List.copyOf(promotionCodes);
            promotionCodes.forEach(CartText::requirePromotionCode);
            Objects.requireNonNull(limits, "limits");
        }

        @Override
        public String kind() {
            return "merge-from";
        }
    }

    /** The cart was folded into {@code targetCartId}; it takes no further changes. */
    record MarkMerged(String targetCartId) implements CartCommand {
        public MarkMerged {
            CartText.requireCartId(targetCartId);
        }

        @Override
        public String kind() {
            return "mark-merged";
        }
    }

    /** The cart became order {@code orderId} at checkout {@code checkoutId}. */
    record MarkConverted(String orderId, String checkoutId) implements CartCommand {
        public MarkConverted {
            CartText.requireToken(orderId, "orderId");
            CartText.requireToken(checkoutId, "checkoutId");
        }

        @Override
        public String kind() {
            return "mark-converted";
        }
    }

    /** The cart sat idle past the abandonment threshold. */
    record MarkAbandoned() implements CartCommand {
        @Override
        public String kind() {
            return "mark-abandoned";
        }
    }
}
