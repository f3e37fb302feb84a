package dev.cartwright.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.checkout.CheckoutHarness.Reply;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.ClearCartRequest;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.RemoveItemRequest;
import dev.cartwright.proto.checkout.v1.UpdateItemRequest;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cart changes reach Kafka as CloudEvents: one event per published change once de-duplicated by event id, keyed by
 * cart id, each cart's events in version order; and price and stock events from the neighbours reach the pricing
 * snapshot.
 */
@ExtendWith(RealServices.class)
class CartEventsIT {

    private static CheckoutHarness harness;
    private static KafkaInfo kafkaInfo;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        kafkaInfo = kafka;
        harness = CheckoutHarness.start(postgres, redis, kafka, Map.of());
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    private static Cart ok(Reply<Cart> reply) {
        assertThat(reply.status()).as("status of the call (%s)", reply.message()).isEqualTo(GrpcStatus.OK);
        return reply.body();
    }

    private record Seen(String id, String type, String subject, String key, long version) {
    }

    @Test
    void everyPublishedChangeArrivesOnceInVersionOrderPerCart() {
        harness.awaitBridgeLeadership();
        Map<String, List<String>> expectedTypes = new LinkedHashMap<>();
        for (int c = 0; c < 3; c++) {
            String customer = "ev-" + UUID.randomUUID().toString().substring(0, 8);
            Cart cart = ok(harness.callNow(CartServiceGrpcClient.CreateCart,
                CreateCartRequest.newBuilder().setCustomerId(customer).build()));
            String id = cart.getCartId();
            List<String> types = new ArrayList<>(List.of("cart.created"));
            for (int i = 0; i < 5; i++) {
                ok(harness.callNow(CartServiceGrpcClient.AddItem,
                    AddItemRequest.newBuilder().setCartId(id).setProductId("456").setQuantity(1).build()));
                types.add("cart.item.added");
            }
            ok(harness.callNow(CartServiceGrpcClient.AddItem,
                AddItemRequest.newBuilder().setCartId(id).setProductId("123").setQuantity(2).build()));
            types.add("cart.item.added");
            ok(harness.callNow(CartServiceGrpcClient.UpdateItem,
                UpdateItemRequest.newBuilder().setCartId(id).setProductId("456").setQuantity(7).build()));
            types.add("cart.item.updated");
            ok(harness.callNow(CartServiceGrpcClient.RemoveItem,
                RemoveItemRequest.newBuilder().setCartId(id).setProductId("123").build()));
            types.add("cart.item.removed");
            // Clearing is an internal change: acknowledged without an event.
            ok(harness.callNow(CartServiceGrpcClient.ClearCart, ClearCartRequest.newBuilder().setCartId(id).build()));
            expectedTypes.put(id, types);
        }
        int expected = expectedTypes.values().stream().mapToInt(List::size).sum();

        Map<String, Seen> byId = new LinkedHashMap<>();
        List<Seen> arrivals = new ArrayList<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaInfo.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, kafkaInfo.freshGroupId("cart_events_it"));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(harness.cartEventsTopic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (byId.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    JsonObject data = new JsonObject(new String(record.value(), StandardCharsets.UTF_8));
                    Seen seen = new Seen(header(record, "ce_id"), header(record, "ce_type"), header(record, "ce_subject"),
                        record.key(), Long.parseLong(data.getString("version", "0")));
                    assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
                    assertThat(header(record, "ce_source")).isEqualTo("/checkout/cart");
                    arrivals.add(seen);
                    byId.putIfAbsent(seen.id(), seen);
                }
            }
        }
        assertThat(byId).as("distinct events").hasSize(expected);
        Map<String, List<Seen>> perCart = new HashMap<>();
        for (Seen seen : arrivals) {
            assertThat(seen.key()).isEqualTo(seen.subject());
            perCart.computeIfAbsent(seen.subject(), k -> new ArrayList<>()).add(seen);
        }
        for (Map.Entry<String, List<String>> cart : expectedTypes.entrySet()) {
            List<Seen> events = new ArrayList<>();
            // Drop redeliveries, keeping first arrivals in arrival order.
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (Seen seen : perCart.getOrDefault(cart.getKey(), List.of())) {
                if (ids.add(seen.id())) {
                    events.add(seen);
                }
            }
            assertThat(events).extracting(Seen::type).containsExactlyElementsOf(cart.getValue());
            List<Long> versions = events.stream().map(Seen::version).toList();
            assertThat(versions).isSorted().doesNotHaveDuplicates();
            assertThat(versions.get(0)).isEqualTo(1L);
        }
    }

    @Test
    void priceAndStockEventsFromTheNeighboursReachTheSnapshot() throws InterruptedException {
        long newPrice = harness.sim.pricing().priceOf("457") + 1000;
        CheckoutHarness.await(harness.sim.pricing().changePrice("457", newPrice));
        CheckoutHarness.await(harness.sim.warehouse().setStock("458", 1));
        String customer = "px-" + UUID.randomUUID().toString().substring(0, 8);
        Cart cart = ok(harness.callNow(CartServiceGrpcClient.CreateCart,
            CreateCartRequest.newBuilder().setCustomerId(customer).build()));
        long seenPrice = -1;
        GrpcStatus stockStatus = GrpcStatus.OK;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            // Start from no line of 457, so the line takes the price in force now.
            harness.callNow(CartServiceGrpcClient.RemoveItem,
                RemoveItemRequest.newBuilder().setCartId(cart.getCartId()).setProductId("457").build());
            Cart priced = ok(harness.callNow(CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder()
                .setCartId(cart.getCartId()).setProductId("457").setQuantity(1).build()));
            seenPrice = priced.getItemsList().stream().filter(l -> l.getProductId().equals("457")).findFirst()
                .orElseThrow().getUnitPrice().getAmountMinor();
            stockStatus = harness.callNow(CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder().setCartId(cart.getCartId())
                .setProductId("458").setQuantity(2).build()).status();
            if (seenPrice == newPrice && stockStatus == GrpcStatus.FAILED_PRECONDITION) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(seenPrice).as("unit price of a line added after price.changed").isEqualTo(newPrice);
        assertThat(stockStatus).as("adding 2 of a product with 1 left after stock.changed").isEqualTo(GrpcStatus.FAILED_PRECONDITION);
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
