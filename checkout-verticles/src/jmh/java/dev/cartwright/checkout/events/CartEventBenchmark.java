package dev.cartwright.checkout.events;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.cartwright.cart.store.change.CartChange.ItemAdded;
import dev.cartwright.cart.store.change.CartChange.Stamp;
import dev.cartwright.service.kafka.BinaryCloudEventSerializer;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.CloudEventSerializer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the Kafka bridge spends turning one cart change (item added) into the CloudEvent it sends:
 * {@code cloudEvent} as it does now (data written directly, {@link CartEventJson}), {@code cloudEventJsonFormat}
 * the same event with its data printed by protobuf's JsonFormat, as it did before. Then what the Kafka producer
 * spends serializing that event in binary mode, the headers into a fresh record's: {@code serializeSdk} with the
 * CloudEvents SDK's serializer, {@code serializeBinary} with {@link BinaryCloudEventSerializer}, which writes the same
 * bytes with the event's time formatted by hand.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CartEventBenchmark {

    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

    private final ItemAdded change = new ItemAdded(new Stamp("1764064800123-0", "k2v7c3mqa4t6x1zr8pbn0sdf5e", 7, "customer-0042", "USD",
        Instant.ofEpochMilli(1_764_064_800_123L), Optional.empty()), "456", 3, 1, 1999);

    private final CloudEvent event = CartEvents.toCloudEvent(change, Optional.empty());
    private final CloudEventSerializer sdk = new CloudEventSerializer();
    private final BinaryCloudEventSerializer binary = new BinaryCloudEventSerializer();

    public CartEventBenchmark() {
        sdk.configure(Map.of(CloudEventSerializer.ENCODING_CONFIG, "BINARY"), false);
        binary.configure(Map.of(CloudEventSerializer.ENCODING_CONFIG, "BINARY"), false);
    }

    @Benchmark
    public CloudEvent cloudEvent() {
        return CartEvents.toCloudEvent(change, Optional.empty());
    }

    /** The event built as {@link CartEvents#toCloudEvent} built it before, its data printed by JsonFormat. */
    @Benchmark
    public CloudEvent cloudEventJsonFormat() throws InvalidProtocolBufferException {
        Instant at = change.stamp().at();
        byte[] data = JSON.print(CartEvents.payload(change, Optional.empty())).getBytes(StandardCharsets.UTF_8);
        return CloudEventBuilder.v1()
            .withId(change.entryId())
            .withSource(URI.create(CartEvents.SOURCE))
            .withType(change.type())
            .withSubject(change.cartId())
            .withTime(OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
            .withDataContentType("application/json")
            .withData(data)
            .build();
    }

    @Benchmark
    public byte[] serializeSdk() {
        return sdk.serialize("cart-events", new RecordHeaders(), event);
    }

    @Benchmark
    public byte[] serializeBinary() {
        return binary.serialize("cart-events", new RecordHeaders(), event);
    }
}
