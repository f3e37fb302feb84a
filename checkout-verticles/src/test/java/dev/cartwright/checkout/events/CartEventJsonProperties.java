package dev.cartwright.checkout.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The JSON the bridge writes directly for the frequent change types is exactly what JsonFormat prints for the
 * events.v1 message, for ids with and without characters that need escaping, guests (no customer id), zero and
 * negative numbers, whole and fractional seconds; and changes it leaves to JsonFormat get JsonFormat's output.
 */
class CartEventJsonProperties {

    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

    @Provide
    Arbitrary<CartChange> changes() {
        Arbitrary<String> text = Arbitraries.oneOf(
            Arbitraries.strings().withChars("abcXYZ0189-_.:/|@+ ").ofMinLength(0).ofMaxLength(12),
            Arbitraries.strings().withChars("ab\"\\<>&='\u00e9\u2028\n\t{}").ofMinLength(1).ofMaxLength(6),
            Arbitraries.of("", "cart-1", "k2v7c3mqa4t6x1zr8pbn0sdf5e", "customer 42", "456"));
        Arbitrary<String> number = Arbitraries.oneOf(Arbitraries.longs().between(-5, 5), Arbitraries.longs().between(0, 1_000_000_000L),
            Arbitraries.integers().map(i -> (long) i)).map(Object::toString);
        Arbitrary<String> type = Arbitraries.of(CartEvents.CREATED, CartEvents.ITEM_ADDED, CartEvents.ITEM_UPDATED, CartEvents.ITEM_REMOVED,
            CartEvents.CONVERTED, "cart.cleared");
        Arbitrary<String> at = Arbitraries.oneOf(Arbitraries.longs().between(0, 4_000_000_000_000L),
            Arbitraries.longs().between(0, 4_000_000_000L).map(s -> s * 1000)).map(Object::toString);
        Arbitrary<String> currency = Arbitraries.of("USD", "EUR", "", "U$D");
        return Combinators.combine(type, text, text, text, number, number, number, Combinators.combine(number, currency, at).as(
                (price, cur, when) -> new String[] {price, cur, when}))
            .as((t, cartId, customer, product, version, quantity, delta, rest) -> {
                Map<String, String> fields = new HashMap<>();
                fields.put("type", t);
                fields.put("cart_id", cartId);
                fields.put("customer_id", customer);
                fields.put("product_id", product);
                fields.put("version", version);
                fields.put("quantity", Long.toString(Long.parseLong(quantity) % Integer.MAX_VALUE));
                fields.put("delta", Long.toString(Long.parseLong(delta) % Integer.MAX_VALUE));
                fields.put("unit_price", rest[0]);
                fields.put("currency", rest[1]);
                fields.put("at", rest[2]);
                fields.put("order_id", "order-1");
                return new CartChange("1-0", fields);
            });
    }

    @Example
    void aTypicalChangeOfEachFrequentTypeIsWrittenDirectly() throws InvalidProtocolBufferException {
        for (String type : new String[] {CartEvents.CREATED, CartEvents.ITEM_ADDED, CartEvents.ITEM_UPDATED, CartEvents.ITEM_REMOVED}) {
            Map<String, String> fields = new HashMap<>(Map.of("type", type, "cart_id", "k2v7c3mqa4t6x1zr8pbn0sdf5e", "customer_id", "",
                "product_id", "456", "version", "7", "quantity", "3", "delta", "1", "unit_price", "1999", "currency", "USD",
                "at", "1764064800123"));
            CartChange change = new CartChange("1-0", fields);
            Instant at = Instant.ofEpochMilli(1_764_064_800_123L);

            byte[] direct = CartEventJson.of(change, Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build());

            assertThat(direct).as(type).isNotNull();
            assertThat(new String(direct, StandardCharsets.UTF_8)).isEqualTo(JSON.print(CartEvents.payload(change, at, Optional.empty())));
        }
    }

    @Property(tries = 3000)
    void writtenDirectlyOrNotTheDataIsWhatJsonFormatPrints(@ForAll("changes") CartChange change) throws InvalidProtocolBufferException {
        if (!CartEvents.isPublished(change)) {
            return;
        }
        Instant at = Instant.ofEpochMilli(change.longField("at"));
        Message message = CartEvents.payload(change, at, Optional.empty());
        String expected = JSON.print(message);

        byte[] direct = CartEventJson.of(change, Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build());
        String data = new String(CartEvents.toCloudEvent(change, Optional.empty()).getData().toBytes(), StandardCharsets.UTF_8);

        if (direct != null) {
            assertThat(new String(direct, StandardCharsets.UTF_8)).isEqualTo(expected);
        }
        assertThat(data).isEqualTo(expected);
    }
}
