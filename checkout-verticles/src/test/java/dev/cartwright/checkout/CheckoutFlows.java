package dev.cartwright.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.checkout.CheckoutHarness.Reply;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.Checkout;
import dev.cartwright.proto.checkout.v1.CheckoutServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.ConfirmCheckoutRequest;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCheckoutRequest;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.checkout.v1.StartCheckoutRequest;
import dev.cartwright.proto.checkout.v1.UpdateAddressRequest;
import dev.cartwright.proto.common.v1.Address;
import dev.cartwright.testkit.KafkaInfo;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The steps checkout integration tests share: a cart with lines, a started checkout, an address, a confirmation; and
 * looking at what the service left behind in Kafka and in checkout_db.
 */
final class CheckoutFlows {

    /** One CloudEvent as read back from Kafka; {@code traceparent} null when it carries no trace context. */
    record Event(String id, String type, String key, String subject, String source, JsonObject data, String traceparent) {
    }

    private final CheckoutHarness harness;
    private final KafkaInfo kafka;

    CheckoutFlows(CheckoutHarness harness, KafkaInfo kafka) {
        this.harness = harness;
        this.kafka = kafka;
    }

    static String uniqueCustomer(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 10);
    }

    static <T> T ok(Reply<T> reply) {
        assertThat(reply.status()).as("status of the call (%s)", reply.message()).isEqualTo(GrpcStatus.OK);
        return reply.body();
    }

    static Address address(String country) {
        return Address.newBuilder().setName("Ada Lovelace").setLine1("1 Market St").setCity("San Francisco").setRegion("CA")
            .setPostalCode("94105").setCountryCode(country).build();
    }

    Cart cartWith(String customerId, String token, Map<String, Integer> lines) {
        Cart cart = ok(harness.callNow(CartServiceGrpcClient.CreateCart, CreateCartRequest.newBuilder().setCustomerId(customerId).build(),
            token));
        for (Map.Entry<String, Integer> line : lines.entrySet()) {
            cart = ok(harness.callNow(CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder().setCartId(cart.getCartId())
                .setProductId(line.getKey()).setQuantity(line.getValue()).build(), token));
        }
        return cart;
    }

    Cart cartWith(String customerId, Map<String, Integer> lines) {
        return cartWith(customerId, null, lines);
    }

    Reply<Checkout> start(String cartId, String token) {
        return harness.callNow(CheckoutServiceGrpcClient.StartCheckout, StartCheckoutRequest.newBuilder().setCartId(cartId).build(), token);
    }

    Checkout started(String cartId) {
        return ok(start(cartId, null));
    }

    Checkout withAddress(String checkoutId, Address address) {
        return ok(harness.callNow(CheckoutServiceGrpcClient.UpdateShippingAddress, UpdateAddressRequest.newBuilder()
            .setCheckoutId(checkoutId).setAddress(address).build()));
    }

    Reply<Order> confirm(String checkoutId, String paymentMethodId) {
        return harness.callNow(CheckoutServiceGrpcClient.ConfirmCheckout, ConfirmCheckoutRequest.newBuilder().setCheckoutId(checkoutId)
            .setPaymentMethodId(paymentMethodId).build());
    }

    Checkout get(String checkoutId) {
        return ok(harness.callNow(CheckoutServiceGrpcClient.GetCheckout,
            GetCheckoutRequest.newBuilder().setCheckoutId(checkoutId).build()));
    }

    /**
     * Reads {@code topic} from the beginning until {@code enough} holds for the events seen so far (de-duplicated by
     * CloudEvents id), or 60 seconds passed; returns what was seen.
     */
    List<Event> readUntil(String topic, Predicate<List<Event>> enough) {
        Map<String, Event> byId = new LinkedHashMap<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.freshGroupId("checkout_it"));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && !enough.test(new ArrayList<>(byId.values()))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                    Event event = new Event(header(record, "ce_id"), header(record, "ce_type"), record.key(), header(record, "ce_subject"),
                        header(record, "ce_source"), new JsonObject(new String(record.value(), StandardCharsets.UTF_8)),
                        header(record, "ce_traceparent"));
                    byId.putIfAbsent(event.id(), event);
                }
            }
        }
        return new ArrayList<>(byId.values());
    }

    static Predicate<List<Event>> has(String type, String key) {
        return events -> events.stream().anyMatch(e -> type.equals(e.type()) && key.equals(e.key()));
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The saga's step rows of a checkout, oldest first: "step:status" (attempt numbers in {@code attempts}). */
    List<String> sagaSteps(String checkoutId) {
        List<String> rows = new ArrayList<>();
        query("SELECT step, status FROM checkout_saga_steps WHERE checkout_id = ? ORDER BY started_at, step, attempt", checkoutId,
            rs -> rows.add(rs.getString(1) + ":" + rs.getString(2)));
        return rows;
    }

    /** How many rows each step has for a checkout (one per attempt). */
    Map<String, Integer> attempts(String checkoutId) {
        Map<String, Integer> counts = new HashMap<>();
        query("SELECT step, count(*) FROM checkout_saga_steps WHERE checkout_id = ? GROUP BY step", checkoutId,
            rs -> counts.put(rs.getString(1), rs.getInt(2)));
        return counts;
    }

    /** Outbox rows of a checkout by event type. */
    Map<String, Integer> outbox(String checkoutId) {
        Map<String, Integer> counts = new HashMap<>();
        query("SELECT event_type, count(*) FROM outbox WHERE aggregate_id = ? GROUP BY event_type", checkoutId,
            rs -> counts.put(rs.getString(1), rs.getInt(2)));
        return counts;
    }

    /** One text column of a checkout row, "" when NULL. */
    String column(String checkoutId, String column) {
        String[] value = {""};
        query("SELECT COALESCE(" + column + "::text, '') FROM checkouts WHERE checkout_id = ?", checkoutId,
            rs -> value[0] = rs.getString(1));
        return value[0];
    }

    /** Checkout rows of a cart. */
    int checkoutsOfCart(String cartId) {
        int[] n = new int[1];
        query("SELECT count(*) FROM checkouts WHERE cart_id = ?", cartId, rs -> n[0] = rs.getInt(1));
        return n[0];
    }

    private interface RowHandler {
        void row(ResultSet rs) throws SQLException;
    }

    private void query(String sql, String parameter, RowHandler handler) {
        try (Connection c = harness.postgres.connect(harness.schema); PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setString(1, parameter);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    handler.row(rs);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
