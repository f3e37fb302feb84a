package dev.cartwright.checkout.api;

import static dev.cartwright.checkout.api.ProtoJsonWriter.plain;
import static dev.cartwright.checkout.api.ProtoJsonWriter.plainLines;
import static dev.cartwright.checkout.api.ProtoJsonWriter.plainTimestamp;
import static dev.cartwright.checkout.api.ProtoJsonWriter.plainTotals;

import dev.cartwright.proto.checkout.v1.AppliedPromotion;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartStatus;
import dev.cartwright.service.grpc.JsonCodec;

/**
 * Writes the JSON of a cart reply (every CartService method answers with one) through the generated getters, byte for
 * byte what {@code JsonFormat.printer().omittingInsignificantWhitespace()} prints, without its reflection (the pieces
 * are {@link ProtoJsonWriter}'s). A cart carrying fields it does not know, an enum value without a name or a timestamp
 * out of range is left to JsonFormat. CartJsonProperties holds the two to the same bytes.
 */
final class CartJson {

    private CartJson() {
    }

    /** The codec the endpoint registers for {@code checkout.v1.Cart}. */
    static JsonCodec<Cart> codec() {
        return new JsonCodec<>() {
            @Override
            public String typeName() {
                return Cart.getDescriptor().getFullName();
            }

            @Override
            public byte[] print(Cart cart) {
                return CartJson.print(cart);
            }
        };
    }

    /** The JSON of {@code cart}, or null when it is left to JsonFormat. */
    static byte[] print(Cart cart) {
        if (!printable(cart)) {
            return null;
        }
        ProtoJsonWriter json = new ProtoJsonWriter(512);
        int mark = json.open();
        json.string(mark, "cartId", cart.getCartId());
        json.string(mark, "customerId", cart.getCustomerId());
        json.enumName(mark, "status", cart.getStatusValue(), cart.getStatus().name());
        json.lines(mark, "items", cart.getItemsList());
        json.array(mark, "promotions", cart.getPromotionsList(), promotion -> promotion(json, promotion));
        json.totals(mark, "totals", cart.hasTotals(), cart.getTotals());
        json.int64(mark, "version", cart.getVersion());
        json.string(mark, "currencyCode", cart.getCurrencyCode());
        json.string(mark, "region", cart.getRegion());
        json.timestamp(mark, "createdAt", cart.hasCreatedAt(), cart.getCreatedAt());
        json.timestamp(mark, "updatedAt", cart.hasUpdatedAt(), cart.getUpdatedAt());
        json.string(mark, "mergedIntoCartId", cart.getMergedIntoCartId());
        json.close();
        return json.bytes();
    }

    private static void promotion(ProtoJsonWriter json, AppliedPromotion promotion) {
        int mark = json.open();
        json.string(mark, "code", promotion.getCode());
        json.string(mark, "description", promotion.getDescription());
        json.money(mark, "discount", promotion.hasDiscount(), promotion.getDiscount());
        json.bool(mark, "active", promotion.getActive());
        json.string(mark, "inactiveReason", promotion.getInactiveReason());
        json.close();
    }

    private static boolean printable(Cart cart) {
        if (!plain(cart) || cart.getStatus() == CartStatus.UNRECOGNIZED || !plainTimestamp(cart.hasCreatedAt(), cart.getCreatedAt())
            || !plainTimestamp(cart.hasUpdatedAt(), cart.getUpdatedAt()) || !plainLines(cart.getItemsList())) {
            return false;
        }
        for (AppliedPromotion promotion : cart.getPromotionsList()) {
            if (!plain(promotion) || !plain(promotion.getDiscount())) {
                return false;
            }
        }
        return plainTotals(cart.getTotals());
    }
}
