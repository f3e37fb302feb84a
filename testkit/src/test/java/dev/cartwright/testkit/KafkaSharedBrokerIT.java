package dev.cartwright.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A second Kafka test class: it must be handed the broker the first one got, not a new one. */
@ExtendWith(RealServices.class)
class KafkaSharedBrokerIT {

    private static KafkaInfo givenBeforeAll;

    @BeforeAll
    static void sameClusterAsEveryOtherKafkaTestClass(KafkaInfo kafka) {
        FirstKafkaSeen.recordOrCompare(kafka);
        givenBeforeAll = kafka;
    }

    @Test
    void everyTestOfTheClassIsHandedTheSameBroker(KafkaInfo kafka) {
        assertThat(kafka).isSameAs(givenBeforeAll);
        assertThat(kafka.bootstrapServers()).isEqualTo(givenBeforeAll.bootstrapServers());
    }

    @Test
    void theSharedBrokerServesThisClassToo(KafkaInfo kafka) throws Exception {
        String topic = kafka.createTopic("shared_check");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "v")).get();
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<ConsumerRecord<String, String>> received = KafkaHarnessIT.pollUntilOne(consumer);

            assertThat(received).extracting(ConsumerRecord::value).containsExactly("v");
        }
    }
}
