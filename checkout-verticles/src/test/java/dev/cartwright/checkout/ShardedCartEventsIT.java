package dev.cartwright.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.cart.store.CartStoreConfig;
import dev.cartwright.checkout.CheckoutHarness.Reply;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisClusterNodes;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Checkout Service with its carts over three change streams, on one Redis (CARTWRIGHT_REDIS_SHARDS=3) and on the
 * test JVM's Redis Cluster (CARTWRIGHT_REDIS_CLUSTER): each stream's Kafka bridge publishes its carts' changes, every
 * cart's events arrive in version order, carts of every shard are among them, a customer's cart is found again, and
 * each stream's lag is a series of its own on /metrics.
 */
@ExtendWith(RealServices.class)
class ShardedCartEventsIT {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"three streams on one Redis", "Redis Cluster"})
    void eachStreamsBridgePublishesItsCartsInVersionOrder(String setting, PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        Map<String, String> env = new HashMap<>();
        env.put("CARTWRIGHT_REDIS_SHARDS", "3");
        String prefix = redis.keyPrefix();
        String stream = redis.key("cart-changes");
        if (setting.equals("Redis Cluster")) {
            RedisClusterNodes cluster = RedisClusterNodes.shared();
            prefix = cluster.keyPrefix("sharded_events");
            stream = prefix + "cart-changes";
            env.put("CARTWRIGHT_REDIS_CLUSTER", cluster.endpointList());
        }
        env.put("CARTWRIGHT_REDIS_KEY_PREFIX", prefix);
        env.put("CARTWRIGHT_CART_CHANGES_STREAM", stream);
        CartStoreConfig layout = CartStoreConfig.defaults("x").withShards(3, setting.equals("Redis Cluster"));
        CheckoutHarness harness = CheckoutHarness.start(postgres, redis, kafka, env);
        try {
            assertThat(harness.service.bridges()).hasSize(3);
            harness.awaitBridgeLeadership();
            Map<String, Integer> changesPerCart = new LinkedHashMap<>();
            Set<Integer> shards = new HashSet<>();
            // Twelve carts, and more while some shard has none: cart ids are random, and twelve miss a shard in about
            // one run in forty (3 x (2/3)^12); sixty miss one in ten billion.
            for (int c = 0; c < 12 || (shards.size() < 3 && c < 60); c++) {
                String customer = "sh-" + UUID.randomUUID().toString().substring(0, 8);
                Cart cart = ok(harness.callNow(CartServiceGrpcClient.CreateCart,
                    CreateCartRequest.newBuilder().setCustomerId(customer).build()));
                for (int i = 0; i < 3; i++) {
                    ok(harness.callNow(CartServiceGrpcClient.AddItem,
                        AddItemRequest.newBuilder().setCartId(cart.getCartId()).setProductId("456").setQuantity(1).build()));
                }
                // The customer's cart again: the index entry, in the customer's shard, names it.
                Cart again = ok(harness.callNow(CartServiceGrpcClient.CreateCart,
                    CreateCartRequest.newBuilder().setCustomerId(customer).build()));
                assertThat(again.getCartId()).isEqualTo(cart.getCartId());
                assertThat(ok(harness.callNow(CartServiceGrpcClient.GetCart,
                    GetCartRequest.newBuilder().setCartId(cart.getCartId()).build())).getVersion()).isEqualTo(4);
                changesPerCart.put(cart.getCartId(), 4);
                shards.add(layout.shardOf(cart.getCartId()));
            }
            assertThat(shards).as("shards the carts fell in").hasSize(3);

            Map<String, List<Long>> versions = new HashMap<>();
            Set<String> eventIds = new HashSet<>();
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.freshGroupId("sharded_events_it"));
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            int expected = changesPerCart.values().stream().mapToInt(Integer::intValue).sum();
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(harness.cartEventsTopic));
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (eventIds.size() < expected && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        String id = new String(record.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8);
                        if (eventIds.add(id)) {
                            JsonObject data = new JsonObject(new String(record.value(), StandardCharsets.UTF_8));
                            versions.computeIfAbsent(record.key(), k -> new ArrayList<>())
                                .add(Long.parseLong(data.getString("version", "0")));
                        }
                    }
                }
            }
            assertThat(eventIds).as("distinct cart events").hasSize(expected);
            for (String cartId : changesPerCart.keySet()) {
                assertThat(versions.get(cartId)).as("versions of %s on Kafka, in arrival order", cartId).containsExactly(1L, 2L, 3L, 4L);
            }
            // Each stream's bridge and write-behind report their lag as a series of their own, tagged with the stream.
            String scraped = harness.runtime.registry().scrape();
            for (String name : List.of("cartwright_kafka_bridge_lag", "cartwright_writebehind_pending")) {
                List<String> series = scraped.lines().filter(line -> line.startsWith(name + "{")).toList();
                assertThat(series).as("series of %s", name).hasSize(3);
                for (String streamKey : layout.withStreamKey(stream).streamKeys()) {
                    assertThat(series).as("series of %s", name).anyMatch(line -> line.contains("stream=\"" + streamKey + "\""));
                }
            }
        } finally {
            harness.close();
        }
    }

    private static Cart ok(Reply<Cart> reply) {
        assertThat(reply.status()).as("status of the call (%s)", reply.message()).isEqualTo(GrpcStatus.OK);
        return reply.body();
    }
}
