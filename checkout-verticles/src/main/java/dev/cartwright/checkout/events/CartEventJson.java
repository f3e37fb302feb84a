package dev.cartwright.checkout.events;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.cartwright.cart.store.change.CartChange.Applied;
import dev.cartwright.cart.store.change.CartChange.Created;
import dev.cartwright.cart.store.change.CartChange.ItemAdded;
import dev.cartwright.cart.store.change.CartChange.ItemRemoved;
import dev.cartwright.cart.store.change.CartChange.ItemUpdated;
import dev.cartwright.cart.store.change.CartChange.Stamp;
import dev.cartwright.service.kafka.UtcTimes;
import java.nio.charset.StandardCharsets;

/**
 * Writes the protobuf JSON of the changes published most (created, item added, updated, removed) straight from the
 * change record, byte for byte what {@code JsonFormat.printer().omittingInsignificantWhitespace()} prints for the
 * events.v1 message, at a fraction of its cost: every cart change becomes one event, so the Kafka bridge prints
 * JSON as often as the service answers. Fields appear in field-number order under their JSON names; zero numbers
 * and empty strings are left out, int64 values are quoted, timestamps are RFC 3339 as protobuf writes them.
 *
 * <p>Only text that needs no escaping is written here (letters, digits and {@code -_.:/|@+} plus space); anything
 * else, and any other type, answers null and the caller prints the message with JsonFormat. A property test holds
 * the two to the same output.
 */
final class CartEventJson {

    private final StringBuilder out = new StringBuilder(256);
    private boolean first = true;

    private CartEventJson() {
    }

    /** The JSON of the change's event, or null when this change is left to JsonFormat. */
    static byte[] of(Applied change, Timestamp occurred) {
        Stamp stamp = change.stamp();
        String currency = stamp.currency();
        CartEventJson json = new CartEventJson();
        boolean written;
        if (change instanceof Created) {
            written = json.string("cartId", stamp.cartId())
                && json.string("customerId", stamp.customerId())
                && json.string("currencyCode", currency)
                && json.int64("version", stamp.version())
                && json.timestamp("occurredAt", occurred);
        } else if (change instanceof ItemAdded added) {
            written = json.string("cartId", stamp.cartId())
                && json.string("customerId", stamp.customerId())
                && json.string("productId", added.productId())
                && json.int32("quantityAdded", added.quantityAdded())
                && json.int32("lineQuantity", added.lineQuantity())
                && json.money("unitPrice", added.unitPriceMinor(), currency)
                && json.int64("version", stamp.version())
                && json.timestamp("occurredAt", occurred);
        } else if (change instanceof ItemUpdated updated) {
            written = json.string("cartId", stamp.cartId())
                && json.string("customerId", stamp.customerId())
                && json.string("productId", updated.productId())
                && json.int32("previousQuantity", updated.previousQuantity())
                && json.int32("quantity", updated.quantity())
                && json.int64("version", stamp.version())
                && json.timestamp("occurredAt", occurred);
        } else if (change instanceof ItemRemoved removed) {
            written = json.string("cartId", stamp.cartId())
                && json.string("customerId", stamp.customerId())
                && json.string("productId", removed.productId())
                && json.int32("previousQuantity", removed.previousQuantity())
                && json.int64("version", stamp.version())
                && json.timestamp("occurredAt", occurred);
        } else {
            written = false;
        }
        return written ? json.close() : null;
    }

    private byte[] close() {
        if (first) {
            out.append('{');
        }
        return out.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private void name(String name) {
        out.append(first ? "{\"" : ",\"").append(name).append("\":");
        first = false;
    }

    /** False when the value would need escaping. */
    private boolean string(String name, String value) {
        if (value.isEmpty()) {
            return true;
        }
        if (!isPlain(value)) {
            return false;
        }
        name(name);
        out.append('"').append(value).append('"');
        return true;
    }

    private boolean int32(String name, int value) {
        if (value != 0) {
            name(name);
            out.append(value);
        }
        return true;
    }

    private boolean int64(String name, long value) {
        if (value != 0) {
            name(name);
            out.append('"').append(value).append('"');
        }
        return true;
    }

    /** A set message field is written even when all its fields are defaults ({}). */
    private boolean money(String name, long amountMinor, String currency) {
        if (!currency.isEmpty() && !isPlain(currency)) {
            return false;
        }
        name(name);
        out.append('{');
        if (amountMinor != 0) {
            out.append("\"amountMinor\":\"").append(amountMinor).append('"');
        }
        if (!currency.isEmpty()) {
            out.append(amountMinor != 0 ? ",\"currencyCode\":\"" : "\"currencyCode\":\"").append(currency).append('"');
        }
        out.append('}');
        return true;
    }

    private boolean timestamp(String name, Timestamp at) {
        if (!Timestamps.isValid(at)) {
            return false;
        }
        name(name);
        out.append('"');
        UtcTimes.append(out, at.getSeconds(), at.getNanos(), UtcTimes.Fraction.PROTOBUF);
        out.append('"');
        return true;
    }

    private static boolean isPlain(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.' || c == ':' || c == '/' || c == '|' || c == '@' || c == '+' || c == ' ';
            if (!plain) {
                return false;
            }
        }
        return true;
    }
}
