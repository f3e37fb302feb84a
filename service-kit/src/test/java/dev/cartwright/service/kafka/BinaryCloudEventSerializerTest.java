package dev.cartwright.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.CloudEventSerializer;
import io.cloudevents.types.Time;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** {@link BinaryCloudEventSerializer} writes what the SDK's serializer writes, byte for byte. */
class BinaryCloudEventSerializerTest {

    private static final long YEAR_0 = OffsetDateTime.of(0, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).toEpochSecond();
    private static final long YEAR_10000 = OffsetDateTime.of(10_000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).toEpochSecond();

    /** A time of any second of the years 0000 to 9999, to the nanosecond, the millisecond, the microsecond or the second. */
    private static OffsetDateTime anyUtcTime(SplittableRandom random) {
        long second = random.nextLong(YEAR_0, YEAR_10000);
        int nanos = switch (random.nextInt(5)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            case 3 -> random.nextInt(10) * 100_000_000;
            default -> random.nextInt(1_000_000_000);
        };
        return OffsetDateTime.ofInstant(Instant.ofEpochSecond(second, nanos), ZoneOffset.UTC);
    }

    @Test
    void timeIsWrittenAsTheSdkWritesItForAnyUtcTimeOfFourDigitYears() {
        SplittableRandom random = new SplittableRandom(20261207);
        for (int i = 0; i < 200_000; i++) {
            OffsetDateTime time = anyUtcTime(random);
            assertThat(BinaryCloudEventSerializer.rfc3339(time)).as("%s", time).isEqualTo(Time.writeTime(time));
        }
    }

    @Test
    void theEdgesAndTheTimesLeftToTheSdkAreWrittenAsTheSdkWritesThem() {
        List<OffsetDateTime> times = List.of(
            OffsetDateTime.of(0, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
            OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999, ZoneOffset.UTC),
            OffsetDateTime.of(2026, 12, 7, 4, 0, 0, 0, ZoneOffset.UTC),
            OffsetDateTime.of(2026, 12, 7, 4, 0, 0, 120_000_000, ZoneOffset.UTC),
            OffsetDateTime.of(2026, 12, 7, 4, 0, 0, 1, ZoneOffset.UTC),
            OffsetDateTime.of(2026, 12, 7, 4, 0, 0, 100_000, ZoneOffset.UTC),
            OffsetDateTime.of(2026, 12, 7, 5, 30, 0, 5_000_000, ZoneOffset.ofHoursMinutes(1, 30)),
            OffsetDateTime.of(10_000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
            OffsetDateTime.of(-1, 6, 1, 12, 0, 0, 0, ZoneOffset.UTC));
        for (OffsetDateTime time : times) {
            assertThat(BinaryCloudEventSerializer.rfc3339(time)).as("%s", time).isEqualTo(Time.writeTime(time));
        }
    }

    @Test
    void aRecordIsTheOneTheSdkWritesHeadersAndValue() {
        CloudEventSerializer sdk = new CloudEventSerializer();
        sdk.configure(Map.of(CloudEventSerializer.ENCODING_CONFIG, "BINARY"), false);
        BinaryCloudEventSerializer ours = new BinaryCloudEventSerializer();
        ours.configure(Map.of(CloudEventSerializer.ENCODING_CONFIG, "BINARY"), false);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2000; i++) {
            CloudEvent event = anyEvent(random, i);
            RecordHeaders sdkHeaders = new RecordHeaders();
            RecordHeaders ourHeaders = new RecordHeaders();
            byte[] sdkValue = sdk.serialize("cart-events", sdkHeaders, event);
            byte[] ourValue = ours.serialize("cart-events", ourHeaders, event);

            assertThat(ourValue).as("value of event %d", i).isEqualTo(sdkValue);
            assertThat(text(ourHeaders)).as("headers of event %d", i).isEqualTo(text(sdkHeaders));
        }
    }

    @Test
    void structuredModeIsRefused() {
        BinaryCloudEventSerializer ours = new BinaryCloudEventSerializer();
        assertThatThrownBy(() -> ours.configure(Map.of(CloudEventSerializer.ENCODING_CONFIG, "STRUCTURED"), false))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BINARY");
    }

    /** An event with the attributes and extensions the services set, some left out at random. */
    private static CloudEvent anyEvent(SplittableRandom random, int i) {
        CloudEventBuilder builder = CloudEventBuilder.v1()
            .withId("event-" + i)
            .withSource(URI.create("/cartwright/checkout"))
            .withType("cart.item_added.v1")
            .withSubject("cart-" + random.nextInt(1000))
            .withDataContentType("application/json")
            .withData(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        if (random.nextBoolean()) {
            builder.withTime(anyUtcTime(random));
        }
        if (random.nextInt(4) == 0) {
            builder.withTime(OffsetDateTime.of(2026, 12, 7, 5, 30, 0, random.nextInt(1000) * 1_000_000, ZoneOffset.ofHours(2)));
        }
        if (random.nextBoolean()) {
            builder.withExtension("traceparent", "00-" + "a".repeat(32) + "-" + "b".repeat(16) + "-01");
        }
        if (random.nextBoolean()) {
            builder.withExtension("partitionkey", "cart-" + i);
        }
        return builder.build();
    }

    /** The headers as text, in order: name=value. */
    private static List<String> text(RecordHeaders headers) {
        List<String> out = new ArrayList<>();
        for (Header header : headers) {
            out.add(header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
