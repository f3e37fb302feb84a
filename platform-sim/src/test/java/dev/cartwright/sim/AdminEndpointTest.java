package dev.cartwright.sim;

import dev.cartwright.proto.common.v1.Money;
import dev.cartwright.proto.platform.v1.CreateOrderRequest;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.OrderItem;
import dev.cartwright.proto.platform.v1.RefundPaymentRequest;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class AdminEndpointTest {

    private static final RecordingPublisher EVENTS = new RecordingPublisher();
    private static SimHarness harness;

    @BeforeAll
    static void start(Vertx vertx) {
        harness = SimHarness.start(vertx, SimHarness.testConfig(), EVENTS);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void noEventsYet() {
        EVENTS.clear();
    }

    @Test
    void a_demo_order_is_there_once_asked_for() {
        harness.admin(HttpMethod.GET, "/demo-order", null, 404);

        JsonObject created = harness.admin(HttpMethod.POST, "/demo-order", null, 200);
        JsonObject fetched = harness.admin(HttpMethod.GET, "/demo-order", null, 200);

        assertThat(fetched.getString("orderId")).isEqualTo(created.getString("orderId")).startsWith("ord-");
        assertThat(fetched.getString("customerId")).isEqualTo("123");
        assertThat(fetched.getJsonObject("order").getString("status")).isEqualTo("delivered");
        assertThat(fetched.getJsonObject("order").getJsonArray("items")).hasSize(2);
        assertThat(EVENTS.events()).extracting(e -> e.event().getType()).containsExactly("order.shipped", "order.delivered");
    }

    @Test
    void an_order_is_shipped_and_delivered_on_request() {
        OrderDetails order = harness.call(() -> harness.order().createOrder(CreateOrderRequest.newBuilder()
            .setIdempotencyKey("chk-admin").setCustomerId("55")
            .addItems(OrderItem.newBuilder().setProductId("456").setQuantity(1)
                .setUnitPrice(Money.newBuilder().setAmountMinor(1999).setCurrencyCode("USD")))
            .build()));
        String path = "/orders/" + order.getOrderId();

        assertThat(harness.admin(HttpMethod.POST, path + "/ship", null, 200).getString("status")).isEqualTo("shipped");
        assertThat(harness.admin(HttpMethod.POST, path + "/deliver", null, 200).getString("status")).isEqualTo("delivered");
        assertThat(harness.admin(HttpMethod.GET, path, null, 200).getString("deliveredAt")).isNotEmpty();
        assertThat(EVENTS.events()).extracting(e -> e.event().getType()).containsExactly("order.shipped", "order.delivered");
        harness.admin(HttpMethod.POST, "/orders/ord-none/deliver", null, 404);
    }

    @Test
    void a_delivered_order_can_be_made_up() {
        JsonObject body = new JsonObject().put("customerId", "77")
            .put("items", new JsonArray().add(new JsonObject().put("productId", "456").put("quantity", 3)));

        JsonObject order = harness.admin(HttpMethod.POST, "/orders/delivered", body, 200);

        assertThat(order.getString("customerId")).isEqualTo("77");
        assertThat(order.getString("status")).isEqualTo("delivered");
        assertThat(harness.sim.order().order(order.getString("orderId"))).isPresent();
        harness.admin(HttpMethod.POST, "/orders/delivered", new JsonObject().put("customerId", "77"), 400);
    }

    @Test
    void prices_and_stock_change_and_publish() {
        harness.admin(HttpMethod.POST, "/prices", new JsonObject().put("productId", "300").put("unitPriceMinor", 4242), 200);
        harness.admin(HttpMethod.POST, "/stock", new JsonObject().put("productId", "300").put("available", 9), 200);

        assertThat(harness.sim.pricing().priceOf("300")).isEqualTo(4242);
        assertThat(harness.sim.warehouse().availableOf("300")).isEqualTo(9);
        assertThat(EVENTS.events()).extracting(SimEvent::topic).containsExactly("pricing.events", "warehouse.events");
        assertThat(EVENTS.events()).extracting(e -> e.event().getType()).containsExactly("price.changed", "stock.changed");
        assertThat(EVENTS.events()).extracting(SimEvent::key).containsOnly("300");
        harness.admin(HttpMethod.POST, "/prices", new JsonObject().put("productId", "300").put("unitPriceMinor", 0), 400);
        harness.admin(HttpMethod.POST, "/stock", new JsonObject().put("productId", "no-such").put("available", 1), 400);
    }

    @Test
    void refunds_are_reported_per_key_and_per_order() {
        RefundPaymentRequest refund = RefundPaymentRequest.newBuilder().setIdempotencyKey("ret-a:refund").setOrderId("ord-a")
            .setAmount(Money.newBuilder().setAmountMinor(700).setCurrencyCode("USD")).build();
        harness.call(() -> harness.payment().refundPayment(refund));
        harness.call(() -> harness.payment().refundPayment(refund));

        JsonObject byKey = harness.admin(HttpMethod.GET, "/refunds?key=ret-a:refund", null, 200);
        JsonObject byOrder = harness.admin(HttpMethod.GET, "/refunds?orderId=ord-a", null, 200);

        assertThat(byKey.getInteger("requests")).isEqualTo(2);
        assertThat(byKey.getInteger("issued")).isEqualTo(1);
        assertThat(byOrder.getJsonArray("refunds")).hasSize(1);
        assertThat(byOrder.getLong("refundedMinor")).isEqualTo(700);
        harness.admin(HttpMethod.GET, "/refunds", null, 400);
    }
}
