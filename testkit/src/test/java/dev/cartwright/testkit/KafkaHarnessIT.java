package dev.cartwright.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
class KafkaHarnessIT {

    @BeforeAll
    static void sameClusterAsEveryOtherKafkaTestClass(KafkaInfo kafka) {
        FirstKafkaSeen.recordOrCompare(kafka);
    }

    @Test
    void aProducedRecordIsConsumedBackByAGroupThatCommitsItsOffset(KafkaInfo kafka) throws Exception {
        String topic = kafka.createTopic("cart_events");
        String group = kafka.freshGroupId("harness");

        RecordMetadata written;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            written = producer.send(new ProducerRecord<>(topic, "cart-1", "{\"type\":\"CartCreated\"}")).get();
        }
        assertThat(written.offset()).isZero();

        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, group,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> received = pollUntilOne(consumer);

            assertThat(received).hasSize(1);
            assertThat(received.get(0).key()).isEqualTo("cart-1");
            assertThat(received.get(0).value()).isEqualTo("{\"type\":\"CartCreated\"}");

            // Committing needs the offsets topic, which a single node can only create at replication factor 1.
            consumer.commitSync();
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.of(new TopicPartition(topic, 0)));
            assertThat(committed.get(new TopicPartition(topic, 0)).offset()).isEqualTo(1L);
        }
    }

    @Test
    void topicsAreNeverShared(KafkaInfo kafka) {
        String first = kafka.createTopic("orders");
        String second = kafka.createTopic("orders", 3);

        assertThat(first).isNotEqualTo(second).startsWith("orders_");
    }

    /** Polls until a record arrives; the bound only keeps a broken broker from hanging the build. */
    static List<ConsumerRecord<String, String>> pollUntilOne(KafkaConsumer<String, String> consumer) {
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        Instant giveUp = Instant.now().plus(Duration.ofSeconds(60));
        while (received.isEmpty() && Instant.now().isBefore(giveUp)) {
            consumer.poll(Duration.ofMillis(200)).forEach(received::add);
        }
        return received;
    }
}
