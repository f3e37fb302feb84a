package dev.cartwright.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.RealServices;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.kafka.client.common.KafkaClientOptions;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.kafka.client.producer.RecordMetadata;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * vertx-kafka-client 5.0.7 was built against kafka-clients 3.7; the services run it on kafka-clients 4.3.1 (the
 * version of the in-process broker the tests start, which needs it on the same classpath). This test proves the pair
 * for every call the project makes, against a real broker: the producer the factory configures (create, send with a
 * key and CloudEvent headers, the exception handler, close with and without a timeout) and the two ways the services
 * consume (a handler on a subscription to a set of topics, as the pricing events consumer does; and poll, seek and
 * commit on a subscription to one topic, as the Return Service's order events consumer does). It also pins the two
 * calls known to be broken on 4.x (the kafka-clients methods they call are gone, and no main source calls them), so
 * that nobody starts using them unawares.
 */
@ExtendWith(RealServices.class)
class KafkaClientCompatibilityIT {

    private static Vertx vertx;
    private static KafkaInfo kafka;

    @BeforeAll
    static void start(KafkaInfo info) {
        kafka = info;
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        await(vertx.close());
    }

    private static CloudEvent event(String id, String subject) {
        return CloudEventBuilder.v1().withId(id).withType("compat.checked").withSource(URI.create("/compat")).withSubject(subject)
            .withData("application/json", ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8)).build();
    }

    private static KafkaProducer<String, CloudEvent> producer() {
        KafkaProducer<String, CloudEvent> producer = CloudEventProducers.create(vertx,
            CloudEventProducers.config(kafka.bootstrapServers(), "compat", CloudEventProducers.Waits.STANDARD));
        producer.exceptionHandler(e -> {
        });
        return producer;
    }

    private static Map<String, String> consumerConfig(String group) {
        Map<String, String> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.freshGroupId(group));
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, CloudEventDeserializer.class.getName());
        return config;
    }

    private static KafkaConsumer<String, CloudEvent> consumer(Map<String, String> config) {
        return KafkaConsumer.create(vertx, new KafkaClientOptions().setConfig(new HashMap<>(config))
            .setTracingPolicy(TracingPolicy.IGNORE));
    }

    @Test
    void theFactorysProducerSendsKeyedCloudEventsThatAHandlerOnATopicSetReceives() throws InterruptedException {
        String topic = kafka.createTopic("compat_handler");
        String other = kafka.createTopic("compat_handler_other");
        KafkaProducer<String, CloudEvent> producer = producer();
        List<RecordMetadata> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(await(producer.send(KafkaProducerRecord.create(topic, "cart-" + i, event("e" + i, "cart-" + i)))));
        }
        await(producer.close(5000));
        assertThat(sent).extracting(RecordMetadata::getOffset).containsExactly(0L, 1L, 2L, 3L, 4L);

        List<KafkaConsumerRecord<String, CloudEvent>> received = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        KafkaConsumer<String, CloudEvent> consumer = consumer(consumerConfig("compat_handler"));
        consumer.exceptionHandler(errors::add);
        consumer.handler(received::add);
        await(consumer.subscribe(Set.of(topic, other)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (received.size() < 5 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        await(consumer.close());

        assertThat(errors).isEmpty();
        assertThat(received).extracting(KafkaConsumerRecord::key).containsExactly("cart-0", "cart-1", "cart-2", "cart-3", "cart-4");
        assertThat(received).extracting(r -> r.value().getId()).containsExactly("e0", "e1", "e2", "e3", "e4");
        assertThat(received.get(0).value().getSubject()).isEqualTo("cart-0");
        assertThat(new String(received.get(0).value().getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"e0\"}");
    }

    @Test
    void pollSeekAndCommitWorkAndACommittedOffsetIsWhereTheGroupStartsAgain() {
        String topic = kafka.createTopic("compat_poll");
        KafkaProducer<String, CloudEvent> producer = producer();
        for (int i = 0; i < 4; i++) {
            await(producer.send(KafkaProducerRecord.create(topic, "order-" + i, event("p" + i, "order-" + i))));
        }
        await(producer.close());
        Map<String, String> config = consumerConfig("compat_poll");

        KafkaConsumer<String, CloudEvent> first = consumer(config);
        await(first.subscribe(topic));
        List<String> read = pollUntil(first, 4);
        // Back to offset 2, as the order events consumer rewinds to the first record it could not store.
        await(first.seek(new TopicPartition(topic, 0), 2));
        List<String> again = pollUntil(first, 2);
        await(first.commit());
        await(first.close());

        KafkaConsumer<String, CloudEvent> second = consumer(config);
        await(second.subscribe(topic));
        await(producer().send(KafkaProducerRecord.create(topic, "order-4", event("p4", "order-4"))));
        List<String> afterCommit = pollUntil(second, 1);
        await(second.close());

        assertThat(read).containsExactly("p0", "p1", "p2", "p3");
        assertThat(again).containsExactly("p2", "p3");
        assertThat(afterCommit).as("what the group reads after the commit").containsExactly("p4");
    }

    @Test
    void theCallsBuiltForKafka3ThatKafka4RemovedAreGoneAndTheProjectDoesNotMakeThem() throws IOException {
        // Through vertx-kafka-client, KafkaConsumer.committed(TopicPartition) hits the missing method on a worker
        // thread and its future never completes (seen here); the admin client's listConsumerGroupOffsets calls the other.
        assertThatThrownBy(() -> org.apache.kafka.clients.consumer.Consumer.class.getMethod("committed",
            org.apache.kafka.common.TopicPartition.class)).isInstanceOf(NoSuchMethodException.class);
        assertThatThrownBy(() -> org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions.class.getMethod("topicPartitions",
            List.class)).isInstanceOf(NoSuchMethodException.class);

        List<String> callers = new ArrayList<>();
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Path> modules;
        try (Stream<Path> dirs = Files.list(root)) {
            modules = dirs.map(d -> d.resolve("src/main/java")).filter(Files::isDirectory).toList();
        }
        assertThat(modules).as("the modules' sources under %s", root).isNotEmpty();
        for (Path module : modules) {
            try (Stream<Path> files = Files.walk(module)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String source = Files.readString(file);
                    boolean removedCall = source.contains(".committed(") || source.contains("listConsumerGroupOffsets");
                    if (source.contains("io.vertx.kafka") && removedCall) {
                        callers.add(root.relativize(file).toString());
                    }
                }
            }
        }
        assertThat(callers).as("main sources calling committed(...) or listConsumerGroupOffsets through vertx-kafka-client").isEmpty();
    }

    private static List<String> pollUntil(KafkaConsumer<String, CloudEvent> consumer, int count) {
        List<String> ids = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ids.size() < count && System.nanoTime() < deadline) {
            KafkaConsumerRecords<String, CloudEvent> records = await(consumer.poll(Duration.ofMillis(500)));
            for (int i = 0; i < records.size(); i++) {
                ids.add(records.recordAt(i).value().getId());
            }
        }
        return ids;
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
