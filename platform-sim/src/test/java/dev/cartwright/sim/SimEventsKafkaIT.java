package dev.cartwright.sim;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

import dev.cartwright.proto.common.v1.Money;
import dev.cartwright.proto.events.v1.OrderDelivered;
import dev.cartwright.proto.events.v1.OrderShipped;
import dev.cartwright.proto.events.v1.PriceChanged;
import dev.cartwright.proto.events.v1.StockChanged;
import dev.cartwright.proto.platform.v1.CreateOrderRequest;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.OrderItem;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.RealServices;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulators' events on a real Kafka broker, read back the way Cartwright's consumers read them. */
@ExtendWith({VertxExtension.class, RealServices.class})
class SimEventsKafkaIT {

    private static SimHarness harness;
    private static KafkaInfo kafka;
    private static SimTopics topics;

    @BeforeAll
    static void start(Vertx vertx, KafkaInfo kafkaInfo) {
        kafka = kafkaInfo;
        topics = new SimTopics(kafka.createTopic("sim_order_events"), kafka.createTopic("sim_pricing_events"),
            kafka.createTopic("sim_warehouse_events"));
        harness = SimHarness.start(vertx, SimHarness.testConfig().withKafkaBootstrap(kafka.bootstrapServers()).withTopics(topics));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void a_delivered_order_reaches_kafka_as_binary_cloud_events_keyed_by_order() throws InvalidProtocolBufferException {
        OrderDetails order = harness.call(() -> harness.sim.order().createDeliveredOrder("123", Instant.parse("2025-06-01T10:00:00Z"),
            new OrderSimulator.Line("456", 2), new OrderSimulator.Line("1001", 1)));

        List<ConsumerRecord<String, CloudEvent>> records = read(topics.orderEvents(), 2);

        assertThat(records).extracting(ConsumerRecord::key).containsOnly(order.getOrderId());
        assertThat(records).extracting(r -> r.value().getType()).containsExactly("order.shipped", "order.delivered");
        ConsumerRecord<String, CloudEvent> delivered = records.get(1);
        assertThat(header(delivered, "ce_specversion")).isEqualTo("1.0");
        assertThat(header(delivered, "ce_type")).isEqualTo("order.delivered");
        assertThat(header(delivered, "ce_source")).isEqualTo("/platform/order-sim");
        assertThat(header(delivered, "ce_subject")).isEqualTo(order.getOrderId());
        assertThat(header(delivered, "content-type")).isEqualTo("application/json");
        assertThat(delivered.value().getId()).isNotBlank().isNotEqualTo(records.get(0).value().getId());
        OrderDelivered payload = parse(delivered.value(), OrderDelivered.newBuilder()).build();
        assertThat(payload.getOrderId()).isEqualTo(order.getOrderId());
        assertThat(payload.getCustomerId()).isEqualTo("123");
        assertThat(payload.getItemsList()).hasSize(2);
        assertThat(payload.getGrandTotal()).isEqualTo(order.getGrandTotal());
        assertThat(payload.getDeliveredAt().getSeconds()).isEqualTo(Instant.parse("2025-06-01T10:00:00Z").getEpochSecond());
        assertThat(parse(records.get(0).value(), OrderShipped.newBuilder()).getOrderId()).isEqualTo(order.getOrderId());
    }

    @Test
    void an_order_created_over_grpc_with_auto_delivery_is_published_too() {
        harness.sim.order().autoDeliver(true);
        try {
            OrderDetails order = harness.call(() -> harness.order().createOrder(CreateOrderRequest.newBuilder()
                .setIdempotencyKey("chk-kafka").setCheckoutId("chk-kafka").setCustomerId("321")
                .addItems(OrderItem.newBuilder().setProductId("456").setQuantity(1)
                    .setUnitPrice(Money.newBuilder().setAmountMinor(1999).setCurrencyCode("USD")))
                .build()));

            List<ConsumerRecord<String, CloudEvent>> records = readKey(topics.orderEvents(), order.getOrderId(), 2);

            assertThat(records).extracting(r -> r.value().getType()).containsExactly("order.shipped", "order.delivered");
        } finally {
            harness.sim.order().autoDeliver(false);
        }
    }

    @Test
    void price_and_stock_changes_reach_their_topics() throws InvalidProtocolBufferException {
        harness.call(() -> harness.sim.pricing().changePrice("456", 2499));
        harness.call(() -> harness.sim.warehouse().setStock("456", 7));

        ConsumerRecord<String, CloudEvent> price = read(topics.pricingEvents(), 1).get(0);
        ConsumerRecord<String, CloudEvent> stock = read(topics.warehouseEvents(), 1).get(0);

        assertThat(price.key()).isEqualTo("456");
        assertThat(price.value().getType()).isEqualTo("price.changed");
        assertThat(parse(price.value(), PriceChanged.newBuilder()).getUnitPrice().getAmountMinor()).isEqualTo(2499);
        assertThat(stock.key()).isEqualTo("456");
        assertThat(stock.value().getType()).isEqualTo("stock.changed");
        assertThat(parse(stock.value(), StockChanged.newBuilder()).getAvailable()).isEqualTo(7);
    }

    private static List<ConsumerRecord<String, CloudEvent>> read(String topic, int count) {
        return readKey(topic, null, count);
    }

    /** Reads the topic from the start until {@code count} records (with that key, if given) arrived, or 30 s passed. */
    private static List<ConsumerRecord<String, CloudEvent>> readKey(String topic, String key, int count) {
        Map<String, Object> config = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, kafka.freshGroupId("sim_reader"),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, CloudEventDeserializer.class.getName());
        List<ConsumerRecord<String, CloudEvent>> records = new ArrayList<>();
        try (KafkaConsumer<String, CloudEvent> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, CloudEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key == null || key.equals(record.key())) {
                        records.add(record);
                    }
                }
            }
        }
        assertThat(records).as("records on %s", topic).hasSize(count);
        return records;
    }

    private static String header(ConsumerRecord<String, CloudEvent> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static <B extends Message.Builder> B parse(CloudEvent event, B builder) throws InvalidProtocolBufferException {
        JsonFormat.parser().merge(new String(event.getData().toBytes(), StandardCharsets.UTF_8), builder);
        return builder;
    }
}
