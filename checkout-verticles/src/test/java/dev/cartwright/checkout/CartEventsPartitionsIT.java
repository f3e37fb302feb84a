package dev.cartwright.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The service makes the topic it publishes cart events to, with the partitions and replication it is configured
 * with (not the broker's auto-creation), keys every event by its cart, and keeps each cart's events in version order
 * within the cart's one partition, on the in-process Kafka.
 */
@ExtendWith(RealServices.class)
class CartEventsPartitionsIT {

    private static final int PARTITIONS = 4;

    private CheckoutHarness harness;

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void theCartEventsTopicIsMadeWithTheConfiguredPartitionsAndEachCartKeepsItsOrderInItsPartition(PostgresInfo postgres,
        RedisInfo redis, KafkaInfo kafka) throws Exception {
        String topic = "cart_events_partitions_" + UUID.randomUUID().toString().substring(0, 8);
        harness = CheckoutHarness.start(postgres, redis, kafka, Map.of("CARTWRIGHT_CART_EVENTS_TOPIC", topic,
            "CARTWRIGHT_KAFKA_TOPIC_PARTITIONS", Integer.toString(PARTITIONS), "CARTWRIGHT_KAFKA_TOPIC_REPLICATION", "1"));
        harness.awaitBridgeLeadership();

        // Carts until they fall in at least two partitions (at least four carts), three additions each.
        Map<String, Integer> expectedPartition = new LinkedHashMap<>();
        while (expectedPartition.size() < 4 || new HashSet<>(expectedPartition.values()).size() < 2) {
            Cart cart = ok(harness.callNow(CartServiceGrpcClient.CreateCart,
                CreateCartRequest.newBuilder().setCustomerId("partitions-" + UUID.randomUUID()).build()));
            for (int i = 0; i < 3; i++) {
                ok(harness.callNow(CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder()
                    .setCartId(cart.getCartId()).setProductId("456").setQuantity(1).build()));
            }
            // The producer's default partitioner: murmur2 of the key.
            expectedPartition.put(cart.getCartId(),
                Utils.toPositive(Utils.murmur2(cart.getCartId().getBytes(StandardCharsets.UTF_8))) % PARTITIONS);
        }

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicDescription made = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            assertThat(made.partitions()).as("partitions of %s", topic).hasSize(PARTITIONS);
            assertThat(made.partitions().get(0).replicas()).hasSize(1);
        }

        Map<String, List<Long>> versions = new LinkedHashMap<>();
        Map<String, Set<Integer>> partitions = new LinkedHashMap<>();
        Set<String> ids = new HashSet<>();
        int total = expectedPartition.size() * 4;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.freshGroupId("partitions"));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (ids.size() < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    String id = new String(record.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8);
                    if (!ids.add(id)) {
                        continue;
                    }
                    JsonObject data = new JsonObject(new String(record.value(), StandardCharsets.UTF_8));
                    versions.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(Long.parseLong(data.getString("version", "0")));
                    partitions.computeIfAbsent(record.key(), k -> new HashSet<>()).add(record.partition());
                }
            }
        }
        assertThat(ids).as("events published").hasSize(total);
        for (Map.Entry<String, Integer> cart : expectedPartition.entrySet()) {
            assertThat(partitions.get(cart.getKey())).as("partitions of cart %s", cart.getKey()).containsExactly(cart.getValue());
            assertThat(versions.get(cart.getKey())).as("versions of cart %s", cart.getKey()).containsExactly(1L, 2L, 3L, 4L);
        }
    }

    private static Cart ok(CheckoutHarness.Reply<Cart> reply) {
        assertThat(reply.status()).as("%s", reply.message()).isEqualTo(GrpcStatus.OK);
        return reply.body();
    }
}
