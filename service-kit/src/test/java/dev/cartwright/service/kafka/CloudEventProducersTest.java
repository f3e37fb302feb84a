package dev.cartwright.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.kafka.CloudEventSerializer;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class CloudEventProducersTest {

    @Test
    void everyProducerIsIdempotentWithAllAcksAndBinaryCloudEvents() {
        Map<String, String> config = CloudEventProducers.config("kafka:9092", "outbox-outbox", CloudEventProducers.Waits.STANDARD);
        assertThat(config).containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092")
            .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "outbox-outbox")
            .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
            .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
            .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5")
            .containsEntry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName())
            .containsEntry(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, BinaryCloudEventSerializer.class.getName())
            .containsEntry(CloudEventSerializer.ENCODING_CONFIG, "BINARY")
            .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000")
            .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000")
            .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000")
            .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "2");
    }

    @Test
    void givenSettingsWinOverTheWaitsAndTheNameButNeverOverTheGuarantees() {
        Map<String, String> config = CloudEventProducers.config(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092",
            ProducerConfig.CLIENT_ID_CONFIG, "mine", ProducerConfig.LINGER_MS_CONFIG, "20", ProducerConfig.ACKS_CONFIG, "1",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false"), "default-name", CloudEventProducers.Waits.STANDARD);
        assertThat(config).containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "mine")
            .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "20")
            .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
            .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    }

    @Test
    void aProducerWithoutABrokerOrWithADeliveryShorterThanItsRequestIsRefused() {
        assertThatThrownBy(() -> CloudEventProducers.config(Map.of(), "x", CloudEventProducers.Waits.STANDARD))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
        assertThatThrownBy(() -> new CloudEventProducers.Waits(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10),
            Duration.ofMillis(5))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delivery");
    }
}
