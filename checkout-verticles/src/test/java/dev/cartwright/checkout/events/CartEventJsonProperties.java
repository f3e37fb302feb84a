package dev.cartwright.checkout.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import dev.cartwright.cart.store.change.CartChange.Applied;
import dev.cartwright.cart.store.change.CartChange.Cleared;
import dev.cartwright.cart.store.change.CartChange.Converted;
import dev.cartwright.cart.store.change.CartChange.Created;
import dev.cartwright.cart.store.change.CartChange.ItemAdded;
import dev.cartwright.cart.store.change.CartChange.ItemRemoved;
import dev.cartwright.cart.store.change.CartChange.ItemUpdated;
import dev.cartwright.cart.store.change.CartChange.Stamp;
import dev.cartwright.service.kafka.UtcTimes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
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
    Arbitrary<Applied> changes() {
        Arbitrary<String> text = Arbitraries.oneOf(
            Arbitraries.strings().withChars("abcXYZ0189-_.:/|@+ ").ofMinLength(0).ofMaxLength(12),
            Arbitraries.strings().withChars("ab\"\\<>&='\u00e9\u2028\n\t{}").ofMinLength(1).ofMaxLength(6),
            Arbitraries.of("", "cart-1", "k2v7c3mqa4t6x1zr8pbn0sdf5e", "customer 42", "456"));
        Arbitrary<Long> number = Arbitraries.oneOf(Arbitraries.longs().between(-5, 5), Arbitraries.longs().between(0, 1_000_000_000L),
            Arbitraries.integers().map(i -> (long) i));
        Arbitrary<Integer> count = number.map(n -> (int) (n % Integer.MAX_VALUE));
        Arbitrary<String> type = Arbitraries.of(CartEvents.CREATED, CartEvents.ITEM_ADDED, CartEvents.ITEM_UPDATED, CartEvents.ITEM_REMOVED,
            CartEvents.CONVERTED, "cart.cleared");
        Arbitrary<Instant> at = Arbitraries.oneOf(Arbitraries.longs().between(0, 4_000_000_000_000L),
            Arbitraries.longs().between(0, 4_000_000_000L).map(s -> s * 1000)).map(Instant::ofEpochMilli);
        Arbitrary<String> currency = Arbitraries.of("USD", "EUR", "", "U$D");
        Arbitrary<Stamp> stamps = Combinators.combine(text, text, number, currency, at)
            .as((cartId, customer, version, cur, when) -> new Stamp("1-0", cartId, version, customer, cur, when, Optional.empty()));
        return Combinators.combine(type, stamps, text, count, count, number).as((t, stamp, product, quantity, delta, price) -> {
            Applied change = switch (t) {
                case CartEvents.CREATED -> new Created(stamp);
                case CartEvents.ITEM_ADDED -> new ItemAdded(stamp, product, quantity, delta, price);
                case CartEvents.ITEM_UPDATED -> new ItemUpdated(stamp, product, quantity, delta, price);
                case CartEvents.ITEM_REMOVED -> new ItemRemoved(stamp, product, delta, price);
                case CartEvents.CONVERTED -> new Converted(stamp, "order-1", "");
                default -> new Cleared(stamp, delta);
            };
            return change;
        });
    }

    @Example
    void aTypicalChangeOfEachFrequentTypeIsWrittenDirectly() throws InvalidProtocolBufferException {
        Instant at = Instant.ofEpochMilli(1_764_064_800_123L);
        Stamp stamp = new Stamp("1-0", "k2v7c3mqa4t6x1zr8pbn0sdf5e", 7, "", "USD", at, Optional.empty());
        for (Applied change : List.of(new Created(stamp), new ItemAdded(stamp, "456", 3, 1, 1999),
            new ItemUpdated(stamp, "456", 3, 1, 1999), new ItemRemoved(stamp, "456", 1, 1999))) {
            byte[] direct = CartEventJson.of(change, Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build());

            assertThat(direct).as(change.type()).isNotNull();
            assertThat(new String(direct, StandardCharsets.UTF_8)).isEqualTo(JSON.print(CartEvents.payload(change, Optional.empty())));
        }
    }

    @Property(tries = 3000)
    void writtenDirectlyOrNotTheDataIsWhatJsonFormatPrints(@ForAll("changes") Applied change) throws InvalidProtocolBufferException {
        if (!CartEvents.isPublished(change)) {
            return;
        }
        Instant at = change.stamp().at();
        Message message = CartEvents.payload(change, Optional.empty());
        String expected = JSON.print(message);

        byte[] direct = CartEventJson.of(change, Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build());
        String data = new String(CartEvents.toCloudEvent(change, Optional.empty()).getData().toBytes(), StandardCharsets.UTF_8);

        if (direct != null) {
            assertThat(new String(direct, StandardCharsets.UTF_8)).isEqualTo(expected);
        }
        assertThat(data).isEqualTo(expected);
    }

    /** Every valid timestamp, 0001-01-01 to 9999-12-31, and fractions of each precision protobuf prints. */
    @Provide
    Arbitrary<Timestamp> timestamps() {
        Arbitrary<Long> seconds = Arbitraries.oneOf(Arbitraries.longs().between(-62_135_596_800L, 253_402_300_799L),
            Arbitraries.longs().between(-86_400L, 86_400L), Arbitraries.of(-62_135_596_800L, 253_402_300_799L, 951_782_400L));
        Arbitrary<Integer> nanos = Arbitraries.oneOf(Arbitraries.integers().between(0, 999_999_999),
            Arbitraries.integers().between(0, 999).map(n -> n * 1_000_000), Arbitraries.integers().between(0, 999_999).map(n -> n * 1000),
            Arbitraries.of(0, 1, 999_999_999));
        return Combinators.combine(seconds, nanos).as((s, n) -> Timestamp.newBuilder().setSeconds(s).setNanos(n).build());
    }

    @Property(tries = 5000)
    void timestampsAreWrittenAsProtobufWritesThem(@ForAll("timestamps") Timestamp at) {
        StringBuilder out = new StringBuilder();
        UtcTimes.append(out, at.getSeconds(), at.getNanos(), UtcTimes.Fraction.PROTOBUF);
        assertThat(out.toString()).isEqualTo(Timestamps.toString(at));
    }
}
