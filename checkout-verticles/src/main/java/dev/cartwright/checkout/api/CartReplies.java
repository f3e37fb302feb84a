package dev.cartwright.checkout.api;

import com.google.protobuf.Timestamp;
import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartLine;
import dev.cartwright.cart.CartStatus;
import dev.cartwright.pricing.AppliedPromotion;
import dev.cartwright.pricing.LineTotal;
import dev.cartwright.pricing.PricingSnapshot;
import dev.cartwright.pricing.Promotion;
import dev.cartwright.pricing.PromotionDecision;
import dev.cartwright.pricing.TaxMode;
import dev.cartwright.pricing.Totals;
import dev.cartwright.proto.checkout.v1.CartTotals;
import dev.cartwright.proto.common.v1.Money;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Owns the reply shape of a cart: the stored cart (lines, codes, version) joined with the totals the pricing core
 * computed for it. Promotions the cart carries but that do not apply right now are listed as inactive with the
 * reason, as the contract asks.
 */
final class CartReplies {

    private CartReplies() {
    }

    static dev.cartwright.proto.checkout.v1.Cart toProto(Cart cart, Totals totals, PricingSnapshot snapshot) {
        String currency = cart.currency();
        dev.cartwright.proto.checkout.v1.Cart.Builder reply = dev.cartwright.proto.checkout.v1.Cart.newBuilder()
            .setCartId(cart.cartId())
            .setCustomerId(cart.customerId())
            .setStatus(status(cart.status()))
            .setVersion(cart.version())
            .setCurrencyCode(currency)
            .setRegion(cart.region())
            .setCreatedAt(timestamp(cart.createdAt()))
            .setUpdatedAt(timestamp(cart.updatedAt()))
            .setMergedIntoCartId(cart.mergedInto());
        List<CartLine> lines = cart.lines();
        List<LineTotal> lineTotals = totals.lines();
        for (int i = 0; i < lines.size(); i++) {
            CartLine line = lines.get(i);
            LineTotal t = lineTotals.get(i);
            reply.addItems(dev.cartwright.proto.checkout.v1.CartLine.newBuilder()
                .setProductId(line.productId())
                .setName(line.name())
                .setCategoryId(line.categoryId())
                .setQuantity(line.quantity())
                .setUnitPrice(money(line.unitPriceMinor(), currency))
                .setSubtotal(money(t.subtotal(), currency))
                .setDiscount(money(t.discount(), currency))
                .setTax(money(t.tax(), currency))
                .setTotal(money(t.total(), currency)));
        }
        Map<String, Long> discounts = new HashMap<>();
        for (AppliedPromotion applied : totals.applied()) {
            discounts.put(applied.code(), applied.discount());
        }
        Map<String, String> reasons = new HashMap<>();
        for (PromotionDecision.Rejected rejected : totals.notApplied()) {
            reasons.put(rejected.code(), rejected.reason().name());
        }
        for (String code : cart.promotionCodes()) {
            Promotion promotion = snapshot.promotions().promotionOrNull(code);
            Long discount = discounts.get(code);
            dev.cartwright.proto.checkout.v1.AppliedPromotion.Builder p = dev.cartwright.proto.checkout.v1.AppliedPromotion.newBuilder()
                .setCode(code)
                .setDescription(promotion == null ? code : promotion.description())
                .setDiscount(money(discount == null ? 0 : discount, currency))
                .setActive(discount != null);
            if (discount == null) {
                p.setInactiveReason(reasons.getOrDefault(code, "UNKNOWN_CODE"));
            }
            reply.addPromotions(p);
        }
        reply.setTotals(CartTotals.newBuilder()
            .setSubtotal(money(totals.subtotal(), currency))
            .setDiscount(money(totals.discounts(), currency))
            .setShipping(money(totals.shipping(), currency))
            .setTax(money(totals.tax(), currency))
            .setGrandTotal(money(totals.grandTotal(), currency))
            .setTaxInclusive(totals.taxMode() == TaxMode.INCLUSIVE)
            .setItemCount(totals.itemCount()));
        return reply.build();
    }

    static dev.cartwright.proto.checkout.v1.CartStatus status(CartStatus status) {
        return switch (status) {
            case ACTIVE -> dev.cartwright.proto.checkout.v1.CartStatus.CART_STATUS_ACTIVE;
            case MERGED -> dev.cartwright.proto.checkout.v1.CartStatus.CART_STATUS_MERGED;
            case CONVERTED -> dev.cartwright.proto.checkout.v1.CartStatus.CART_STATUS_CONVERTED;
            case ABANDONED -> dev.cartwright.proto.checkout.v1.CartStatus.CART_STATUS_ABANDONED;
        };
    }

    static Money money(long amount, String currency) {
        return Money.newBuilder().setAmountMinor(amount).setCurrencyCode(currency).build();
    }

    static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
