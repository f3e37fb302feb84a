package dev.cartwright.sim;

import dev.cartwright.testkit.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;

import dev.cartwright.proto.common.v1.Money;
import dev.cartwright.proto.events.v1.OrderDelivered;
import dev.cartwright.proto.events.v1.OrderShipped;
import dev.cartwright.proto.platform.v1.CreateExchangeOrderRequest;
import dev.cartwright.proto.platform.v1.CreateOrderRequest;
import dev.cartwright.proto.platform.v1.GetOrderRequest;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.OrderItem;
import dev.cartwright.proto.platform.v1.OrderServiceGrpcClient;

import io.cloudevents.CloudEvent;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class OrderSimulatorTest {

    private static final TestClock CLOCK = TestClock.at(Instant.parse("2025-05-10T09:30:00Z"));
    private static final RecordingPublisher EVENTS = new RecordingPublisher();
    private static SimHarness harness;
    private static OrderServiceGrpcClient orders;

    @BeforeAll
    static void start(Vertx vertx) {
        harness = SimHarness.start(vertx, SimHarness.testConfig().withClock(CLOCK).withEventIds(() -> "event-1"), EVENTS);
        orders = harness.order();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void noEventsYet() {
        EVENTS.clear();
    }

    @AfterEach
    void noAutoDelivery() {
        harness.sim.order().autoDeliver(false);
    }

    @Test
    void creating_twice_with_one_key_gives_one_order() {
        int before = harness.sim.order().orderCount();
        CreateOrderRequest request = createOrder("chk-100", item("456", 2, 1999), item("77", 1, 500));

        OrderDetails first = harness.call(() -> orders.createOrder(request));
        OrderDetails second = harness.call(() -> orders.createOrder(request));

        assertThat(second).isEqualTo(first);
        assertThat(first.getOrderId()).startsWith("ord-");
        assertThat(harness.sim.order().orderCount()).isEqualTo(before + 1);
        assertThat(harness.sim.order().orderByIdempotencyKey("chk-100")).contains(first);
        assertThat(EVENTS.events()).as("nothing ships without autoDeliver").isEmpty();
    }

    @Test
    void items_are_numbered_and_totals_filled_in() {
        OrderDetails order = harness.call(() -> orders.createOrder(createOrder("chk-101", item("456", 2, 1999), item("77", 1, 500))));

        assertThat(order.getItemsList()).extracting(OrderItem::getOrderItemId).containsExactly("1", "2");
        assertThat(order.getItems(0).getCategoryId()).isEqualTo(harness.sim.catalogue().find("456").orElseThrow().categoryId());
        assertThat(order.getItems(0).getTotal().getAmountMinor()).isEqualTo(3998);
        assertThat(order.getSubtotal().getAmountMinor()).isEqualTo(4498);
        assertThat(order.getGrandTotal().getAmountMinor()).isEqualTo(4498);
        assertThat(order.getStatus()).isEqualTo("paid");
        assertThat(order.getCheckoutId()).isEqualTo("chk-101");
        assertThat(harness.call(() ->
            orders.getOrder(GetOrderRequest.newBuilder().setOrderId(order.getOrderId()).build()))).isEqualTo(order);
    }

    @Test
    void decline_all_refuses_new_orders_for_good_and_a_repeated_key_still_finds_its_order() {
        OrderDetails earlier = harness.call(() -> orders.createOrder(createOrder("chk-before-decline", item("456", 1, 1999))));
        int before = harness.sim.order().orderCount();
        harness.sim.knobs(SimService.ORDER).declineAll(true);
        try {
            SimHarness.Failure refused = harness.failure(SimService.ORDER, OrderServiceGrpcClient.CreateOrder,
                createOrder("chk-declined", item("456", 1, 1999)));
            OrderDetails again = harness.call(() -> orders.createOrder(createOrder("chk-before-decline", item("456", 1, 1999))));

            assertThat(refused.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
            assertThat(refused.details().errorInfo().getReason()).isEqualTo("ORDER_DECLINED");
            assertThat(again).isEqualTo(earlier);
            assertThat(harness.sim.order().orderCount()).isEqualTo(before);
        } finally {
            harness.sim.knobs(SimService.ORDER).reset();
        }
    }

    @Test
    void an_unknown_order_is_not_found_and_an_empty_one_is_invalid() {
        SimHarness.Failure unknown = harness.failure(SimService.ORDER, OrderServiceGrpcClient.GetOrder,
            GetOrderRequest.newBuilder().setOrderId("ord-404").build());
        SimHarness.Failure empty = harness.failure(SimService.ORDER, OrderServiceGrpcClient.CreateOrder,
            CreateOrderRequest.newBuilder().setIdempotencyKey("chk-empty").setCustomerId("123").build());

        assertThat(unknown.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(empty.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(empty.message()).contains("items");
    }

    @Test
    void delivering_publishes_shipped_then_delivered_as_cloud_events() throws InvalidProtocolBufferException {
        OrderDetails order = harness.call(() -> orders.createOrder(createOrder("chk-102", item("456", 1, 1999))));

        OrderDetails delivered = harness.call(() -> harness.sim.order().markDelivered(order.getOrderId()));

        assertThat(delivered.getStatus()).isEqualTo("delivered");
        assertThat(delivered.getDeliveredAt().getSeconds()).isEqualTo(CLOCK.instant().getEpochSecond());
        List<SimEvent> events = EVENTS.events();
        assertThat(events).extracting(e -> e.event().getType()).containsExactly("order.shipped", "order.delivered");
        for (SimEvent event : events) {
            assertThat(event.topic()).isEqualTo("order.events");
            assertThat(event.key()).isEqualTo(order.getOrderId());
            assertThat(event.event().getSubject()).isEqualTo(order.getOrderId());
            assertThat(event.event().getSource().toString()).isEqualTo("/platform/order-sim");
            assertThat(event.event().getDataContentType()).isEqualTo("application/json");
            assertThat(event.event().getId()).isEqualTo("event-1");
            assertThat(event.event().getSpecVersion().toString()).isEqualTo("1.0");
        }
        OrderShipped shipped = parse(events.get(0).event(), OrderShipped.newBuilder()).build();
        assertThat(shipped.getOrderId()).isEqualTo(order.getOrderId());
        OrderDelivered payload = parse(events.get(1).event(), OrderDelivered.newBuilder()).build();
        assertThat(payload.getCustomerId()).isEqualTo("123");
        assertThat(payload.getItemsList()).hasSize(1);
        assertThat(payload.getItems(0).getOrderItemId()).isEqualTo("1");
        assertThat(payload.getItems(0).getTotal().getAmountMinor()).isEqualTo(1999);
        assertThat(payload.getGrandTotal()).isEqualTo(order.getGrandTotal());

        harness.call(() -> harness.sim.order().markDelivered(order.getOrderId()));
        assertThat(EVENTS.events()).as("delivering again publishes nothing new").hasSize(2);
    }

    @Test
    void with_auto_delivery_a_new_order_is_delivered_at_once() {
        harness.sim.order().autoDeliver(true);

        OrderDetails order = harness.call(() -> orders.createOrder(createOrder("chk-103", item("456", 1, 1999))));

        assertThat(harness.sim.order().order(order.getOrderId()).orElseThrow().getStatus()).isEqualTo("delivered");
        assertThat(EVENTS.events()).extracting(e -> e.event().getType()).containsExactly("order.shipped", "order.delivered");
    }

    @Test
    void a_made_up_delivered_order_is_priced_from_the_catalogue_and_published() throws InvalidProtocolBufferException {
        Instant deliveredAt = Instant.parse("2025-05-08T15:00:00Z");

        OrderDetails order = harness.call(() -> harness.sim.order().createDeliveredOrder("c-9", deliveredAt,
            new OrderSimulator.Line("456", 2), new OrderSimulator.Line("1001", 1)));

        long price456 = harness.sim.pricing().priceOf("456");
        assertThat(order.getStatus()).isEqualTo("delivered");
        assertThat(order.getDeliveredAt().getSeconds()).isEqualTo(deliveredAt.getEpochSecond());
        assertThat(order.getItemsList()).extracting(OrderItem::getOrderItemId).containsExactly("1", "2");
        assertThat(order.getItems(0).getUnitPrice().getAmountMinor()).isEqualTo(price456);
        long tax0 = Math.round(price456 * 2 * 0.0725);
        assertThat(order.getItems(0).getTax().getAmountMinor()).isBetween(tax0 - 1, tax0 + 1);
        assertThat(order.getGrandTotal().getAmountMinor()).isEqualTo(order.getSubtotal().getAmountMinor()
            + order.getTax().getAmountMinor() + ShippingSimulator.STANDARD_PRICE);
        OrderDelivered payload = parse(EVENTS.events().get(1).event(), OrderDelivered.newBuilder()).build();
        assertThat(payload.getOrderId()).isEqualTo(order.getOrderId());
        assertThat(payload.getItemsList()).hasSize(2);
    }

    @Test
    void an_exchange_order_is_idempotent_and_needs_its_original() {
        OrderDetails original = harness.call(() -> orders.createOrder(createOrder("chk-104", item("456", 1, 1999))));
        CreateExchangeOrderRequest exchange = CreateExchangeOrderRequest.newBuilder()
            .setIdempotencyKey("ret-5:exchange").setOriginalOrderId(original.getOrderId()).setReturnId("ret-5")
            .addItems(item("457", 1, 0)).build();

        OrderDetails first = harness.call(() -> orders.createExchangeOrder(exchange));
        OrderDetails second = harness.call(() -> orders.createExchangeOrder(exchange));

        assertThat(second).isEqualTo(first);
        assertThat(first.getOrderId()).isNotEqualTo(original.getOrderId());
        assertThat(first.getCustomerId()).isEqualTo("123");
        assertThat(harness.statusOf(() -> orders.createExchangeOrder(exchange.toBuilder()
            .setIdempotencyKey("ret-6:exchange").setOriginalOrderId("ord-missing").build()))).isEqualTo(GrpcStatus.NOT_FOUND);
    }

    private static <B extends com.google.protobuf.Message.Builder> B parse(CloudEvent event, B builder)
        throws InvalidProtocolBufferException {
        JsonFormat.parser().merge(new String(event.getData().toBytes(), StandardCharsets.UTF_8), builder);
        return builder;
    }

    private static CreateOrderRequest createOrder(String checkoutId, OrderItem... items) {
        return CreateOrderRequest.newBuilder()
            .setIdempotencyKey(checkoutId)
            .setCheckoutId(checkoutId)
            .setCustomerId("123")
            .addAllItems(List.of(items))
            .setPaymentReference("auth-1")
            .build();
    }

    private static OrderItem item(String productId, int quantity, long unitPrice) {
        return OrderItem.newBuilder()
            .setProductId(productId)
            .setQuantity(quantity)
            .setUnitPrice(Money.newBuilder().setAmountMinor(unitPrice).setCurrencyCode("USD"))
            .build();
    }
}
