package dev.cartwright.checkout.api;

import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.cartwright.proto.checkout.v1.CartLine;
import dev.cartwright.proto.checkout.v1.CartTotals;
import dev.cartwright.proto.common.v1.Address;
import dev.cartwright.proto.common.v1.Money;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * The pieces of protobuf's JSON as {@code JsonFormat.printer().omittingInsignificantWhitespace()} writes them, for the
 * hand-written reply printers (CartJson, CheckoutJson): objects whose fields go in field-number order under their JSON
 * names, with empty strings, zero numbers, false, unset messages and empty lists left out; int64 quoted; timestamps in
 * RFC 3339 as protobuf writes them; strings escaped as Gson (which JsonFormat uses) escapes them, HTML characters
 * included. Also says which messages the printers must leave to JsonFormat: any carrying fields the generated code
 * does not know, and timestamps out of range.
 */
final class ProtoJsonWriter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out;

    ProtoJsonWriter(int capacity) {
        out = new StringBuilder(capacity);
    }

    byte[] bytes() {
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    // ---- what is left to JsonFormat -----------------------------------------------------------------------------

    static boolean plain(MessageOrBuilder message) {
        return message.getUnknownFields().asMap().isEmpty();
    }

    static boolean plainTimestamp(boolean set, Timestamp at) {
        return !set || (plain(at) && Timestamps.isValid(at));
    }

    static boolean plainLines(List<CartLine> lines) {
        for (CartLine line : lines) {
            if (!plain(line) || !plain(line.getUnitPrice()) || !plain(line.getSubtotal()) || !plain(line.getDiscount())
                || !plain(line.getTax()) || !plain(line.getTotal())) {
                return false;
            }
        }
        return true;
    }

    static boolean plainTotals(CartTotals totals) {
        return plain(totals) && plain(totals.getSubtotal()) && plain(totals.getDiscount()) && plain(totals.getShipping())
            && plain(totals.getTax()) && plain(totals.getGrandTotal());
    }

    // ---- the messages several replies share ---------------------------------------------------------------------

    void lines(int mark, String name, List<CartLine> lines) {
        array(mark, name, lines, this::line);
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
        close();
    }

    void totals(int mark, String name, boolean set, CartTotals totals) {
        if (!set) {
            return;
        }
        name(mark, name);
        int inner = open();
        money(inner, "subtotal", totals.hasSubtotal(), totals.getSubtotal());
        money(inner, "discount", totals.hasDiscount(), totals.getDiscount());
        money(inner, "shipping", totals.hasShipping(), totals.getShipping());
        money(inner, "tax", totals.hasTax(), totals.getTax());
        money(inner, "grandTotal", totals.hasGrandTotal(), totals.getGrandTotal());
        bool(inner, "taxInclusive", totals.getTaxInclusive());
        int32(inner, "itemCount", totals.getItemCount());
        close();
    }

    void address(int mark, String name, boolean set, Address address) {
        if (!set) {
            return;
        }
        name(mark, name);
        int inner = open();
        string(inner, "name", address.getName());
        string(inner, "line1", address.getLine1());
        string(inner, "line2", address.getLine2());
        string(inner, "city", address.getCity());
        string(inner, "region", address.getRegion());
        string(inner, "postalCode", address.getPostalCode());
        string(inner, "countryCode", address.getCountryCode());
        string(inner, "phone", address.getPhone());
        close();
    }

    void money(int mark, String name, boolean set, Money money) {
        if (!set) {
            return;
        }
        name(mark, name);
        int inner = open();
        int64(inner, "amountMinor", money.getAmountMinor());
        string(inner, "currencyCode", money.getCurrencyCode());
        close();
    }

    // ---- the pieces ---------------------------------------------------------------------------------------------

    /** Opens an object; the returned mark tells {@link #name} whether a field was written since. */
    int open() {
        out.append('{');
        return out.length();
    }

    void close() {
        out.append('}');
    }

    /** Starts a field: a comma unless it is the first since {@code mark}, then its quoted name and a colon. */
    StringBuilder name(int mark, String name) {
        if (out.length() > mark) {
            out.append(',');
        }
        return out.append('"').append(name).append("\":");
    }

    void string(int mark, String name, String value) {
        if (!value.isEmpty()) {
            name(mark, name);
            quoted(value);
        }
    }

    void strings(int mark, String name, List<String> values) {
        array(mark, name, values, this::quoted);
    }

    /** A repeated field: each element written by {@code element}; an empty list is left out. */
    <T> void array(int mark, String name, List<T> values, Consumer<T> element) {
        if (values.isEmpty()) {
            return;
        }
        name(mark, name).append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            element.accept(values.get(i));
        }
        out.append(']');
    }

    /** An enum field by its value's name (the caller has made sure the value has one). */
    void enumName(int mark, String name, int number, String valueName) {
        if (number != 0) {
            name(mark, name).append('"').append(valueName).append('"');
        }
    }

    void int32(int mark, String name, int value) {
        if (value != 0) {
            name(mark, name).append(value);
        }
    }

    void int64(int mark, String name, long value) {
        if (value != 0) {
            name(mark, name).append('"').append(value).append('"');
        }
    }

    void bool(int mark, String name, boolean value) {
        if (value) {
            name(mark, name).append("true");
        }
    }

    /** A timestamp field (the caller has made sure it is in range, {@link #plainTimestamp}). */
    void timestamp(int mark, String name, boolean set, Timestamp at) {
        if (set) {
            name(mark, name).append('"').append(Timestamps.toString(at)).append('"');
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
