package dev.cartwright.checkout.api;

import com.google.protobuf.ByteString;
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
import java.util.List;

/**
 * Owns the reply shape of a cart: the stored cart (lines, codes, version) joined with the totals the pricing core
 * computed for it. Promotions the cart carries but that do not apply right now are listed as inactive with the
 * reason, as the contract asks.
 *
 * <p>Built for every reply, so it spares the work it can: a reply holds five amounts per line, all in the cart's one
 * currency, so the currency is encoded to bytes once per reply rather than once per amount when the message is
 * written, and the many zero amounts (no discount, no tax) share one message.
 */
final class CartReplies {

    private CartReplies() {
    }

    static dev.cartwright.proto.checkout.v1.Cart toProto(Cart cart, Totals totals, PricingSnapshot snapshot) {
        Amounts currency = new Amounts(cart.currency());
        dev.cartwright.proto.checkout.v1.Cart.Builder reply = dev.cartwright.proto.checkout.v1.Cart.newBuilder()
            .setCartId(cart.cartId())
            .setCustomerId(cart.customerId())
            .setStatus(status(cart.status()))
            .setVersion(cart.version())
            .setCurrencyCode(cart.currency())
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
                .setUnitPrice(currency.of(line.unitPriceMinor()))
                .setSubtotal(currency.of(t.subtotal()))
                .setDiscount(currency.of(t.discount()))
                .setTax(currency.of(t.tax()))
                .setTotal(currency.of(t.total())));
        }
        // A cart carries a handful of codes at most: a scan of the results beats building maps for each reply.
        for (String code : cart.promotionCodes()) {
            Promotion promotion = snapshot.promotions().promotionOrNull(code);
            AppliedPromotion applied = appliedOrNull(totals, code);
            dev.cartwright.proto.checkout.v1.AppliedPromotion.Builder p = dev.cartwright.proto.checkout.v1.AppliedPromotion.newBuilder()
                .setCode(code)
                .setDescription(promotion == null ? code : promotion.description())
                .setDiscount(currency.of(applied == null ? 0 : applied.discount()))
                .setActive(applied != null);
            if (applied == null) {
                p.setInactiveReason(reasonNotApplied(totals, code));
            }
            reply.addPromotions(p);
        }
        reply.setTotals(CartTotals.newBuilder()
            .setSubtotal(currency.of(totals.subtotal()))
            .setDiscount(currency.of(totals.discounts()))
            .setShipping(currency.of(totals.shipping()))
            .setTax(currency.of(totals.tax()))
            .setGrandTotal(currency.of(totals.grandTotal()))
            .setTaxInclusive(totals.taxMode() == TaxMode.INCLUSIVE)
            .setItemCount(totals.itemCount()));
        return reply.build();
    }

    private static AppliedPromotion appliedOrNull(Totals totals, String code) {
        for (AppliedPromotion applied : totals.applied()) {
            if (applied.code().equals(code)) {
                return applied;
            }
        }
        return null;
    }

    private static String reasonNotApplied(Totals totals, String code) {
        for (PromotionDecision.Rejected rejected : totals.notApplied()) {
            if (rejected.code().equals(code)) {
                return rejected.reason().name();
            }
        }
        return "UNKNOWN_CODE";
    }

    /** Money messages of one reply's currency: its bytes encoded once, one shared message for zero. */
    private static final class Amounts {

        private final ByteString currency;
        private final Money zero;

        Amounts(String currencyCode) {
            this.currency = ByteString.copyFromUtf8(currencyCode);
            this.zero = Money.newBuilder().setCurrencyCodeBytes(currency).build();
        }

        Money of(long amountMinor) {
            return amountMinor == 0 ? zero : Money.newBuilder().setAmountMinor(amountMinor).setCurrencyCodeBytes(currency).build();
        }
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
