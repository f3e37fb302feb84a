package dev.cartwright.checkout.events;

import dev.cartwright.cart.store.change.CartChange.ItemAdded;
import dev.cartwright.cart.store.change.CartChange.Stamp;
import dev.cartwright.service.kafka.BinaryCloudEventSerializer;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventSerializer;
import java.time.Instant;
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
 * What the Kafka producer spends serializing one cart event (item added) in binary mode, the headers into a fresh
 * record's: {@code sdk} with the CloudEvents SDK's serializer, {@code binary} with {@link BinaryCloudEventSerializer},
 * which writes the same bytes with the event's time formatted by hand.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CloudEventSerializeBenchmark {

    private final CloudEvent event = CartEvents.toCloudEvent(new ItemAdded(new Stamp("1764064800123-0", "k2v7c3mqa4t6x1zr8pbn0sdf5e", 7,
        "customer-0042", "USD", Instant.ofEpochMilli(1_764_064_800_123L), Optional.empty()), "456", 3, 1, 1999), Optional.empty());
    private final CloudEventSerializer sdk = new CloudEventSerializer();
    private final BinaryCloudEventSerializer binary = new BinaryCloudEventSerializer();

    public CloudEventSerializeBenchmark() {
        sdk.configure(Map.of(CloudEventSerializer.ENCODING_CONFIG, "BINARY"), false);
        binary.configure(Map.of(CloudEventSerializer.ENCODING_CONFIG, "BINARY"), false);
    }

    @Benchmark
    public byte[] sdk() {
        return sdk.serialize("cart-events", new RecordHeaders(), event);
    }

    @Benchmark
    public byte[] binary() {
        return binary.serialize("cart-events", new RecordHeaders(), event);
    }
}
