package dev.cartwright.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.net.OnContext;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.UpdateItemRequest;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two Checkout Service instances behind the real gateway (deploy/gateway/haproxy.cfg with both instances and their
 * readiness ports), sharing one Redis stream, one checkout_db schema and one cart events topic, restarted one at a
 * time while shoppers keep calling through the gateway: each instance drains (readiness 503, the gateway's checks take
 * it out, the calls it holds finish, then it stops), starts again on the same ports and is back in rotation before the
 * next one goes. No call fails. Afterwards every acknowledged change is in PostgreSQL at its version, and on Kafka
 * exactly once (each cart's versions 1..n, none twice), and both instances' write-behind consumers did part of the work.
 *
 * <p>The instances run in this JVM, each on a Vert.x of its own (a restart closes it and builds a new one); what a
 * restart does to the process is the same shutdown path {@code CheckoutMain}'s SIGTERM hook runs. The figures go to
 * standard output and {@code target/rolling-restart.txt}.
 */
@ExtendWith(RealServices.class)
class RollingRestartIT {

    /** Longer than the gateway's fall (2) times inter (1 s), plus a check in flight. */
    private static final Duration DRAIN_DELAY = Duration.ofSeconds(3);
    private static final int SHOPPERS = 12;
    /** Per cart: created, one line added, its quantity raised four times; each a new version and one event. */
    private static final int UPDATES = 4;
    private static final Duration STEADY = Duration.ofSeconds(4);

    private static TwoCheckouts stack;
    private static GrpcClient grpc;
    private static SocketAddress gatewayAddress;
    private static PostgresInfo pg;
    private static KafkaInfo kafkaInfo;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        pg = postgres;
        kafkaInfo = kafka;
        stack = TwoCheckouts.start(postgres, redis, kafka, Map.of("CARTWRIGHT_CHECKOUT_DRAIN_DELAY", DRAIN_DELAY.toMillis() + "ms"));
        grpc = GrpcClient.client(stack.vertx, new GrpcClientOptions(),
            new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        gatewayAddress = SocketAddress.inetSocketAddress(stack.gateway.port(), "127.0.0.1");
    }

    @AfterAll
    static void stop() {
        if (grpc != null) {
            SplitStack.await(grpc.close());
        }
        if (stack != null) {
            stack.close();
        }
    }

    /** What one restart took: the drain and stop, the start, and the time until the gateway sent it calls again. */
    private record Restart(String instance, long stopMillis, long startMillis, long backInRotationMillis) {
    }

    @Test
    void aRollingRestartUnderLoadFailsNoCallAndEveryChangeReachesPostgresAndKafkaOnce() throws Exception {
        stack.awaitGatewayStatus(TwoCheckouts.SERVERS.get(0), "UP");
        stack.awaitGatewayStatus(TwoCheckouts.SERVERS.get(1), "UP");

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong calls = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger carts = new AtomicInteger();
        ExecutorService shoppers = Executors.newFixedThreadPool(SHOPPERS);
        for (int s = 0; s < SHOPPERS; s++) {
            shoppers.submit(() -> {
                while (running.get()) {
                    shop("rr-" + carts.incrementAndGet() + "-" + System.nanoTime(), calls, failures, acknowledged);
                }
            });
        }

        Thread.sleep(STEADY.toMillis());
        List<Restart> restarts = new ArrayList<>();
        for (int i = 0; i < stack.instances.size(); i++) {
            TwoCheckouts.Instance instance = stack.instances.get(i);
            long t0 = System.nanoTime();
            instance.stop();
            long t1 = System.nanoTime();
            instance.start();
            long t2 = System.nanoTime();
            stack.awaitGatewayStatus(TwoCheckouts.SERVERS.get(i), "UP");
            long t3 = System.nanoTime();
            restarts.add(new Restart(instance.name, millis(t1 - t0), millis(t2 - t1), millis(t3 - t2)));
            Thread.sleep(STEADY.toMillis());
        }
        running.set(false);
        shoppers.shutdown();
        assertThat(shoppers.awaitTermination(120, TimeUnit.SECONDS)).as("shoppers finished their last journey").isTrue();

        Map<String, Long> servedBy = sessionsPerServer();
        long changes = acknowledged.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Long> inPostgres = awaitPostgres(acknowledged);
        Map<String, List<Long>> onKafka = readCartEvents(changes);
        // PostgreSQL holds every version; the acknowledgements of the last batches follow their writes.
        double writtenByA = 0;
        double writtenByB = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (writtenByA + writtenByB < changes && System.nanoTime() < deadline) {
            Thread.sleep(100);
            writtenByA = stack.instances.get(0).writeBehindAcked();
            writtenByB = stack.instances.get(1).writeBehindAcked();
        }

        StringBuilder report = new StringBuilder("Rolling restart (RollingRestartIT): 2 Checkout Service instances behind the gateway, ")
            .append(SHOPPERS).append(" shoppers, drain delay ").append(DRAIN_DELAY.toMillis()).append(" ms\n");
        report.append("  calls: ").append(calls.get()).append(", failed: ").append(failures.size()).append('\n');
        report.append("  carts: ").append(acknowledged.size()).append(", acknowledged changes: ").append(changes).append('\n');
        for (Restart r : restarts) {
            report.append(String.format("  restart of %s: drain and stop %d ms, start %d ms, back in the gateway's rotation %d ms later%n",
                r.instance(), r.stopMillis(), r.startMillis(), r.backInRotationMillis()));
        }
        report.append("  gateway sessions per instance: ").append(servedBy).append('\n');
        report.append(String.format("  write-behind entries acknowledged: a %.0f, b %.0f%n", writtenByA, writtenByB));
        report.append("  machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, load average ")
            .append(TwoCheckouts.loadAverage()).append(", Java ").append(System.getProperty("java.version")).append('\n');
        System.out.print(report);
        TwoCheckouts.writeReport("rolling-restart.txt", report.toString());

        assertThat(failures).as("calls that failed during the rolling restart").isEmpty();
        assertThat(calls.get()).isGreaterThan(0);
        assertThat(inPostgres).as("each cart's version in PostgreSQL").isEqualTo(new TreeMap<>(acknowledged));
        for (Map.Entry<String, Long> cart : acknowledged.entrySet()) {
            List<Long> expected = new ArrayList<>();
            for (long v = 1; v <= cart.getValue(); v++) {
                expected.add(v);
            }
            assertThat(onKafka.getOrDefault(cart.getKey(), List.of())).as("versions of %s on Kafka, in order", cart.getKey())
                .isEqualTo(expected);
        }
        assertThat(onKafka.keySet()).as("carts on Kafka").isEqualTo(acknowledged.keySet());
        assertThat(servedBy.values()).as("both instances served calls").allMatch(n -> n > 0);
        assertThat(writtenByA).as("write-behind entries acknowledged by instance a").isPositive();
        assertThat(writtenByB).as("write-behind entries acknowledged by instance b").isPositive();
        assertThat(writtenByA + writtenByB).as("write-behind entries acknowledged by the two").isEqualTo((double) changes);
    }

    /** One customer's cart: created, a line added, its quantity raised; the last version each call acknowledged is kept. */
    private static void shop(String customer, AtomicLong calls, ConcurrentLinkedQueue<String> failures, Map<String, Long> acknowledged) {
        Cart cart = call(customer, CartServiceGrpcClient.CreateCart,
            CreateCartRequest.newBuilder().setCustomerId(customer).setCurrencyCode("USD").build(), calls, failures);
        if (cart == null) {
            return;
        }
        String id = cart.getCartId();
        acknowledged.put(id, cart.getVersion());
        Cart added = call(customer, CartServiceGrpcClient.AddItem,
            AddItemRequest.newBuilder().setCartId(id).setProductId("456").setQuantity(1).build(), calls, failures);
        if (added == null) {
            return;
        }
        acknowledged.put(id, added.getVersion());
        for (int q = 2; q < 2 + UPDATES; q++) {
            Cart updated = call(customer, CartServiceGrpcClient.UpdateItem,
                UpdateItemRequest.newBuilder().setCartId(id).setProductId("456").setQuantity(q).build(), calls, failures);
            if (updated == null) {
                return;
            }
            acknowledged.put(id, updated.getVersion());
        }
    }

    private static <Q, R> R call(String customer, ServiceMethod<R, Q> method, Q request, AtomicLong calls,
                                 ConcurrentLinkedQueue<String> failures) {
        calls.incrementAndGet();
        try {
            // Each shopper's thread makes its calls on a context of its own (OnContext).
            SplitStack.Reply<R> reply = SplitStack.await(OnContext.call(stack.vertx, () -> grpc.request(gatewayAddress, method)
                .compose(req -> {
                    req.headers().set("x-customer-id", customer);
                    return req.send(request);
                }).compose(resp -> resp.last().transform(last -> Future.succeededFuture(new SplitStack.Reply<>(resp.status(),
                    resp.statusMessage(), last.succeeded() ? last.result() : null, resp.headers().get("x-cartwright-side")))))));
            if (reply.status() != GrpcStatus.OK || reply.body() == null) {
                failures.add(method.methodName() + " " + customer + ": " + reply.status() + " " + reply.message());
                return null;
            }
            return reply.body();
        } catch (RuntimeException e) {
            failures.add(method.methodName() + " " + customer + ": " + e);
            return null;
        }
    }

    private static Map<String, Long> sessionsPerServer() {
        Map<String, Long> sessions = new TreeMap<>();
        for (String server : TwoCheckouts.SERVERS) {
            sessions.put(server, Long.parseLong(stack.gatewayStat(server, "stot")));
        }
        return sessions;
    }

    /** The carts' versions in checkout_db once the write-behind has caught up with {@code acknowledged} (or after 60 s). */
    private static Map<String, Long> awaitPostgres(Map<String, Long> acknowledged) throws SQLException, InterruptedException {
        Map<String, Long> seen = Map.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            seen = versionsInPostgres(acknowledged.keySet().toArray(String[]::new));
            if (seen.equals(new TreeMap<>(acknowledged))) {
                break;
            }
            Thread.sleep(250);
        }
        return seen;
    }

    private static Map<String, Long> versionsInPostgres(String[] ids) throws SQLException {
        Map<String, Long> versions = new TreeMap<>();
        try (Connection connection = pg.connect(stack.schema);
             PreparedStatement select = connection.prepareStatement("SELECT cart_id, version FROM carts WHERE cart_id = ANY (?)")) {
            select.setArray(1, connection.createArrayOf("text", ids));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    versions.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return versions;
    }

    /**
     * Every cart event on the topic, as each cart's versions in arrival order, read until {@code expected} have arrived
     * (or 60 s), then for two more seconds so that a duplicate arriving late is seen.
     */
    private static Map<String, List<Long>> readCartEvents(long expected) {
        Map<String, List<Long>> versions = new HashMap<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaInfo.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, kafkaInfo.freshGroupId("rolling_restart_it"));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long received = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(stack.cartEventsTopic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long settle = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settle)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    JsonObject data = new JsonObject(new String(record.value(), StandardCharsets.UTF_8));
                    versions.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(Long.parseLong(data.getString("version", "0")));
                    received++;
                }
                if (received >= expected && settle == Long.MAX_VALUE) {
                    settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
        }
        return versions;
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
