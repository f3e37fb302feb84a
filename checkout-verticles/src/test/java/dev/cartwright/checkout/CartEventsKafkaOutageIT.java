package dev.cartwright.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.checkout.CheckoutHarness.Reply;
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
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kafka down: cart changes are still acknowledged, their events wait in the change stream, and once a broker
 * answers at the configured address they all flow, each cart's in version order. The broker here is the
 * project's embedded one, started as a separate process on a port the service was pointed at from the start.
 */
@ExtendWith(RealServices.class)
class CartEventsKafkaOutageIT {

    private CheckoutHarness harness;
    private Process broker;
    private Path brokerDir;

    @AfterEach
    void stop() throws IOException {
        if (harness != null) {
            harness.close();
        }
        if (broker != null) {
            broker.destroy();
            try {
                broker.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (brokerDir != null) {
            try (Stream<Path> files = Files.walk(brokerDir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void changesMadeWhileKafkaIsDownArePublishedInOrderWhenItReturns(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka)
        throws Exception {
        int port = freePortPair();
        String bootstrap = "127.0.0.1:" + port;
        String topic = "cart_events_outage_" + UUID.randomUUID().toString().substring(0, 8);
        harness = CheckoutHarness.start(postgres, redis, kafka,
            Map.of("CARTWRIGHT_KAFKA_BOOTSTRAP", bootstrap, "CARTWRIGHT_CART_EVENTS_TOPIC", topic));
        harness.awaitBridgeLeadership();

        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (int c = 0; c < 2; c++) {
            Cart cart = ok(harness.callNow(CartServiceGrpcClient.CreateCart,
                CreateCartRequest.newBuilder().setCustomerId("outage-" + UUID.randomUUID()).build()));
            List<String> types = new ArrayList<>(List.of("cart.created"));
            for (int i = 0; i < 3; i++) {
                ok(harness.callNow(CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder()
                    .setCartId(cart.getCartId()).setProductId("456").setQuantity(1).build()));
                types.add("cart.item.added");
            }
            expected.put(cart.getCartId(), types);
        }

        broker = startBroker(port);

        Map<String, List<Long>> versions = new LinkedHashMap<>();
        Map<String, List<String>> types = new LinkedHashMap<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        int total = expected.values().stream().mapToInt(List::size).sum();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "outage-" + UUID.randomUUID());
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
                    String type = new String(record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8);
                    JsonObject data = new JsonObject(new String(record.value(), StandardCharsets.UTF_8));
                    types.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(type);
                    versions.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(Long.parseLong(data.getString("version", "0")));
                }
            }
        }
        assertThat(ids).as("events published once Kafka answered").hasSize(total);
        for (Map.Entry<String, List<String>> cart : expected.entrySet()) {
            assertThat(types.get(cart.getKey())).containsExactlyElementsOf(cart.getValue());
            assertThat(versions.get(cart.getKey())).containsExactly(1L, 2L, 3L, 4L);
        }
    }

    private static Cart ok(Reply<Cart> reply) {
        assertThat(reply.status()).as("acknowledged while Kafka is down (%s)", reply.message()).isEqualTo(GrpcStatus.OK);
        return reply.body();
    }

    /** The project's embedded broker in its own JVM on {@code port} (its controller on port + 1). */
    private Process startBroker(int port) throws Exception {
        brokerDir = Files.createTempDirectory("cartwright-outage-kafka");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
            "dev.cartwright.testkit.EmbeddedKafka", "--port", Integer.toString(port), "--dir", brokerDir.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("KAFKA READY")) {
                return process;
            }
        }
        throw new IllegalStateException("the embedded broker exited before it was ready (exit " + process.waitFor() + ")");
    }

    /** A free port whose next port is free too. */
    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            if (port < 65535) {
                try (ServerSocket next = new ServerSocket(port + 1)) {
                    return port;
                } catch (IOException taken) {
                    // Try another pair.
                }
            }
        }
        throw new IllegalStateException("no two adjacent free ports");
    }
}
