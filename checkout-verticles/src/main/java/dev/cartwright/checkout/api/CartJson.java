package dev.cartwright.checkout.api;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.cartwright.proto.checkout.v1.AppliedPromotion;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartLine;
import dev.cartwright.proto.checkout.v1.CartStatus;
import dev.cartwright.proto.checkout.v1.CartTotals;
import dev.cartwright.proto.common.v1.Money;
import dev.cartwright.service.grpc.JsonCodec;
import java.nio.charset.StandardCharsets;

/**
 * Writes the JSON of a cart reply (every CartService method answers with one) through the generated getters, byte for
 * byte what {@code JsonFormat.printer().omittingInsignificantWhitespace()} prints, without its reflection: fields in
 * field-number order under their JSON names; empty strings, zero numbers, false, the zero enum, unset messages and
 * empty lists left out; int64 quoted; timestamps in RFC 3339 as protobuf writes them; strings escaped as Gson (which
 * JsonFormat uses) escapes them, HTML characters included. A cart carrying fields it does not know, an enum value
 * without a name or a timestamp out of range is left to JsonFormat. CartJsonProperties holds the two to the same bytes.
 */
final class CartJson {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out = new StringBuilder(512);

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
        CartJson json = new CartJson();
        json.cart(cart);
        return json.out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static boolean printable(Cart cart) {
        if (!cart.getUnknownFields().asMap().isEmpty() || cart.getStatus() == CartStatus.UNRECOGNIZED
            || (cart.hasCreatedAt() && !plainTimestamp(cart.getCreatedAt()))
            || (cart.hasUpdatedAt() && !plainTimestamp(cart.getUpdatedAt()))) {
            return false;
        }
        for (CartLine line : cart.getItemsList()) {
            if (!line.getUnknownFields().asMap().isEmpty() || !plain(line.getUnitPrice()) || !plain(line.getSubtotal())
                || !plain(line.getDiscount()) || !plain(line.getTax()) || !plain(line.getTotal())) {
                return false;
            }
        }
        for (AppliedPromotion promotion : cart.getPromotionsList()) {
            if (!promotion.getUnknownFields().asMap().isEmpty() || !plain(promotion.getDiscount())) {
                return false;
            }
        }
        CartTotals totals = cart.getTotals();
        return totals.getUnknownFields().asMap().isEmpty() && plain(totals.getSubtotal()) && plain(totals.getDiscount())
            && plain(totals.getShipping()) && plain(totals.getTax()) && plain(totals.getGrandTotal());
    }

    private static boolean plain(Money money) {
        return money.getUnknownFields().asMap().isEmpty();
    }

    private static boolean plainTimestamp(Timestamp at) {
        return at.getUnknownFields().asMap().isEmpty() && Timestamps.isValid(at);
    }

    private void cart(Cart cart) {
        int mark = open();
        string(mark, "cartId", cart.getCartId());
        string(mark, "customerId", cart.getCustomerId());
        if (cart.getStatusValue() != 0) {
            name(mark, "status").append('"').append(cart.getStatus().name()).append('"');
        }
        if (cart.getItemsCount() > 0) {
            name(mark, "items").append('[');
            for (int i = 0; i < cart.getItemsCount(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                line(cart.getItems(i));
            }
            out.append(']');
        }
        if (cart.getPromotionsCount() > 0) {
            name(mark, "promotions").append('[');
            for (int i = 0; i < cart.getPromotionsCount(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                promotion(cart.getPromotions(i));
            }
            out.append(']');
        }
        if (cart.hasTotals()) {
            name(mark, "totals");
            totals(cart.getTotals());
        }
        int64(mark, "version", cart.getVersion());
        string(mark, "currencyCode", cart.getCurrencyCode());
        string(mark, "region", cart.getRegion());
        if (cart.hasCreatedAt()) {
            name(mark, "createdAt").append('"').append(Timestamps.toString(cart.getCreatedAt())).append('"');
        }
        if (cart.hasUpdatedAt()) {
            name(mark, "updatedAt").append('"').append(Timestamps.toString(cart.getUpdatedAt())).append('"');
        }
        string(mark, "mergedIntoCartId", cart.getMergedIntoCartId());
        out.append('}');
    }

    private void line(CartLine line) {
        int mark = open();
        string(mark, "productId", line.getProductId());
        string(mark, "name", line.getName());
        string(mark, "categoryId", line.getCategoryId());
        int32(mark, "quantity", line.getQuantity());
        money(mark, "unitPrice", line.hasUnitPrice(), line.getUnitPrice());
        money(mark, "subtotal", line.hasSubtotal(), line.getSubtotal());
        money(mark, "discount", line.hasDiscount(), line.getDiscount());
        money(mark, "tax", line.hasTax(), line.getTax());
        money(mark, "total", line.hasTotal(), line.getTotal());
        out.append('}');
    }

    private void promotion(AppliedPromotion promotion) {
        int mark = open();
        string(mark, "code", promotion.getCode());
        string(mark, "description", promotion.getDescription());
        money(mark, "discount", promotion.hasDiscount(), promotion.getDiscount());
        bool(mark, "active", promotion.getActive());
        string(mark, "inactiveReason", promotion.getInactiveReason());
        out.append('}');
    }

    private void totals(CartTotals totals) {
        int mark = open();
        money(mark, "subtotal", totals.hasSubtotal(), totals.getSubtotal());
        money(mark, "discount", totals.hasDiscount(), totals.getDiscount());
        money(mark, "shipping", totals.hasShipping(), totals.getShipping());
        money(mark, "tax", totals.hasTax(), totals.getTax());
        money(mark, "grandTotal", totals.hasGrandTotal(), totals.getGrandTotal());
        bool(mark, "taxInclusive", totals.getTaxInclusive());
        int32(mark, "itemCount", totals.getItemCount());
        out.append('}');
    }

    // ---- the pieces ---------------------------------------------------------------------------------------------

    /** Opens an object; the returned mark tells {@link #name} whether a field was written since. */
    private int open() {
        out.append('{');
        return out.length();
    }

    private StringBuilder name(int mark, String name) {
        if (out.length() > mark) {
            out.append(',');
        }
        return out.append('"').append(name).append("\":");
    }

    private void money(int mark, String name, boolean set, Money money) {
        if (!set) {
            return;
        }
        name(mark, name);
        int inner = open();
        int64(inner, "amountMinor", money.getAmountMinor());
        string(inner, "currencyCode", money.getCurrencyCode());
        out.append('}');
    }

    private void string(int mark, String name, String value) {
        if (!value.isEmpty()) {
            name(mark, name);
            quoted(value);
        }
    }

    private void int32(int mark, String name, int value) {
        if (value != 0) {
            name(mark, name).append(value);
        }
    }

    private void int64(int mark, String name, long value) {
        if (value != 0) {
            name(mark, name).append('"').append(value).append('"');
        }
    }

    private void bool(int mark, String name, boolean value) {
        if (value) {
            name(mark, name).append("true");
        }
    }

    /** A JSON string as Gson writes it with HTML escaping on (JsonFormat's own setting). */
    private void quoted(String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\f' -> out.append("\\f");
                case '<', '>', '&', '=', '\'', '\u2028', '\u2029' -> unicode(c);
                default -> {
                    if (c < 0x20) {
                        unicode(c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private void unicode(char c) {
        out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
    }
}
