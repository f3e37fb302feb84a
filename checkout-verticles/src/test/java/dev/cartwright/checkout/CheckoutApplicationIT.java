package dev.cartwright.checkout;

import static dev.cartwright.checkout.CheckoutFlows.address;
import static dev.cartwright.checkout.CheckoutFlows.has;
import static dev.cartwright.checkout.CheckoutFlows.ok;
import static dev.cartwright.checkout.CheckoutFlows.uniqueCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.checkout.CheckoutFlows.Event;
import dev.cartwright.checkout.CheckoutHarness.Reply;
import dev.cartwright.checkout.domain.SagaStep;
import dev.cartwright.checkout.saga.SagaDrills;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CartStatus;
import dev.cartwright.proto.checkout.v1.Checkout;
import dev.cartwright.proto.checkout.v1.CheckoutServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CheckoutStatus;
import dev.cartwright.proto.checkout.v1.ConfirmCheckoutRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.proto.checkout.v1.GetCheckoutRequest;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.checkout.v1.OrderPreview;
import dev.cartwright.proto.checkout.v1.PreviewOrderRequest;
import dev.cartwright.proto.checkout.v1.SelectShippingMethodRequest;
import dev.cartwright.proto.checkout.v1.ShippingMethod;
import dev.cartwright.proto.checkout.v1.StartCheckoutRequest;
import dev.cartwright.proto.checkout.v1.UpdateAddressRequest;
import dev.cartwright.proto.common.v1.Address;
import dev.cartwright.proto.platform.v1.AuthorizationStatus;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.OrderItem;
import dev.cartwright.proto.platform.v1.ReservationStatus;
import dev.cartwright.service.auth.Caller;
import dev.cartwright.service.grpc.RpcError;
import dev.cartwright.sim.CustomerSimulator;
import dev.cartwright.sim.SimService;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CheckoutService against the real stack (PostgreSQL, Redis, Kafka) and the neighbour simulators: the happy path
 * to a paid order and a converted cart with both events on Kafka, a declined payment undone, ten concurrent
 * confirmations making one order and one authorization, a saga interrupted after authorizing and finished once by
 * the recovery verticle, the plan's two-call flow with the defaults, stale versions, bad addresses and missing stock.
 */
@ExtendWith(RealServices.class)
class CheckoutApplicationIT {

    private static CheckoutHarness harness;
    private static CheckoutFlows flows;
    private static String checkoutTopic;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        checkoutTopic = kafka.createTopic("checkout_events");
        harness = CheckoutHarness.start(postgres, redis, kafka, Map.of(
            "CARTWRIGHT_CHECKOUT_EVENTS_TOPIC", checkoutTopic,
            "CARTWRIGHT_SAGA_LEASE", "2s",
            "CARTWRIGHT_SAGA_RECOVERY_EVERY", "300ms",
            "CARTWRIGHT_SAGA_RETRY_AFTER", "1s"));
        flows = new CheckoutFlows(harness, kafka);
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    private static Map<String, Integer> lines(Object... productAndQuantity) {
        Map<String, Integer> lines = new LinkedHashMap<>();
        for (int i = 0; i < productAndQuantity.length; i += 2) {
            lines.put((String) productAndQuantity[i], (Integer) productAndQuantity[i + 1]);
        }
        return lines;
    }

    @Test
    void happyPathFromCartToPaidOrderWithTheCartConvertedAndBothEventsOnKafka() {
        String customer = uniqueCustomer("happy");
        Cart cart = flows.cartWith(customer, lines("456", 2, "123", 1));
        Checkout started = flows.started(cart.getCartId());
        String id = started.getCheckoutId();
        assertThat(started.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_OPEN);
        assertThat(id).hasSize(26).isNotEqualTo(cart.getCartId());
        assertThat(started.getCartVersion()).isEqualTo(cart.getVersion());
        assertThat(started.getItemsList()).extracting(l -> l.getProductId() + "x" + l.getQuantity()).containsExactly("456x2", "123x1");
        assertThat(started.getTotals().getSubtotal()).isEqualTo(cart.getTotals().getSubtotal());
        assertThat(started.getReservationId()).isEqualTo("rsv-" + id);
        assertThat(started.getAvailableShippingMethodsList()).extracting(ShippingMethod::getShippingMethodId)
            .contains("standard", "express");
        assertThat(harness.sim.warehouse().reservation(started.getReservationId()).orElseThrow().getStatus())
            .isEqualTo(ReservationStatus.RESERVATION_STATUS_HELD);

        Checkout addressed = flows.withAddress(id, address("US"));
        assertThat(addressed.getVersion()).isEqualTo(started.getVersion() + 1);
        assertThat(addressed.getShippingAddress().getCountryCode()).isEqualTo("US");
        Checkout chosen = ok(harness.callNow(CheckoutServiceGrpcClient.SelectShippingMethod, SelectShippingMethodRequest.newBuilder()
            .setCheckoutId(id).setShippingMethodId("express").setExpectedVersion(addressed.getVersion()).build()));
        assertThat(chosen.getShippingMethod().getShippingMethodId()).isEqualTo("express");
        assertThat(chosen.getTotals().getShipping().getAmountMinor()).isEqualTo(1499);
        long grandTotal = chosen.getTotals().getGrandTotal().getAmountMinor();
        assertThat(grandTotal).isEqualTo(chosen.getTotals().getSubtotal().getAmountMinor()
            - chosen.getTotals().getDiscount().getAmountMinor() + chosen.getTotals().getTax().getAmountMinor() + 1499);

        OrderPreview preview = ok(harness.callNow(CheckoutServiceGrpcClient.PreviewOrder,
            PreviewOrderRequest.newBuilder().setCheckoutId(id).build()));
        assertThat(preview.getIssuesList()).isEmpty();
        assertThat(preview.getReady()).isTrue();
        assertThat(preview.getTotals().getGrandTotal().getAmountMinor()).isEqualTo(grandTotal);

        int authorizationsBefore = harness.sim.payment().authorizationCount();
        int ordersBefore = harness.sim.order().orderCount();
        Order order = ok(flows.confirm(id, "pm-visa"));
        assertThat(order.getOrderId()).isNotEmpty();
        assertThat(order.getCheckoutId()).isEqualTo(id);
        assertThat(order.getTotals().getGrandTotal().getAmountMinor()).isEqualTo(grandTotal);
        assertThat(order.getItemsList()).allSatisfy(line -> assertThat(line.getOrderItemId()).isNotEmpty());

        Checkout done = flows.get(id);
        assertThat(done.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_COMPLETED);
        assertThat(done.getOrderId()).isEqualTo(order.getOrderId());
        Cart converted = ok(harness.callNow(CartServiceGrpcClient.GetCart,
            GetCartRequest.newBuilder().setCartId(cart.getCartId()).build()));
        assertThat(converted.getStatus()).isEqualTo(CartStatus.CART_STATUS_CONVERTED);

        OrderDetails placed = harness.sim.order().order(order.getOrderId()).orElseThrow();
        assertThat(placed.getCheckoutId()).isEqualTo(id);
        assertThat(placed.getGrandTotal().getAmountMinor()).isEqualTo(grandTotal);
        Map<String, Long> paidPerLine = placed.getItemsList().stream()
            .collect(Collectors.toMap(OrderItem::getProductId, i -> i.getTotal().getAmountMinor()));
        Map<String, Long> checkoutPerLine = done.getItemsList().stream()
            .collect(Collectors.toMap(l -> l.getProductId(), l -> l.getTotal().getAmountMinor()));
        assertThat(paidPerLine).isEqualTo(checkoutPerLine);
        assertThat(harness.sim.payment().authorization(order.getPaymentAuthorizationId()).orElseThrow().getStatus())
            .isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED);
        assertThat(harness.sim.warehouse().reservation(started.getReservationId()).orElseThrow().getStatus())
            .isEqualTo(ReservationStatus.RESERVATION_STATUS_COMMITTED);
        assertThat(flows.sagaSteps(id)).containsSubsequence("reserve_stock:succeeded", "reprice:succeeded", "extend_reservation:succeeded",
            "authorize_payment:succeeded", "create_order:succeeded", "commit_reservation:succeeded", "capture_payment:succeeded",
            "convert_cart:succeeded", "complete:succeeded");

        Order again = ok(flows.confirm(id, "pm-visa"));
        assertThat(again.getOrderId()).isEqualTo(order.getOrderId());
        assertThat(harness.sim.payment().authorizationCount()).isEqualTo(authorizationsBefore + 1);
        assertThat(harness.sim.order().orderCount()).isEqualTo(ordersBefore + 1);

        List<Event> checkoutEvents = flows.readUntil(checkoutTopic, has("checkout.completed", id));
        Event completed = checkoutEvents.stream().filter(e -> "checkout.completed".equals(e.type()) && id.equals(e.key()))
            .findFirst().orElseThrow();
        assertThat(completed.subject()).isEqualTo(id);
        assertThat(completed.source()).isEqualTo("/checkout/checkout");
        assertThat(completed.data().getString("orderId")).isEqualTo(order.getOrderId());
        assertThat(checkoutEvents).anyMatch(e -> "checkout.started".equals(e.type()) && id.equals(e.key()));
        List<Event> cartEvents = flows.readUntil(harness.cartEventsTopic, has("cart.converted", cart.getCartId()));
        Event cartConverted = cartEvents.stream().filter(e -> "cart.converted".equals(e.type()) && cart.getCartId().equals(e.key()))
            .findFirst().orElseThrow();
        assertThat(cartConverted.data().getString("orderId")).isEqualTo(order.getOrderId());
        assertThat(cartConverted.data().getString("checkoutId")).isEqualTo(id);
    }

    @Test
    void aDeclinedPaymentEndsFailedWithTheReservationReleasedAndNoOrder() {
        Cart cart = flows.cartWith(uniqueCustomer("decline"), lines("456", 1));
        Checkout started = flows.started(cart.getCartId());
        String id = started.getCheckoutId();
        flows.withAddress(id, address("US"));
        int ordersBefore = harness.sim.order().orderCount();

        Reply<Order> declined = flows.confirm(id, "declined");
        assertThat(declined.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(declined.message()).startsWith("payment declined: ");
        assertThat(declined.details().errorInfo().getReason()).isEqualTo("PAYMENT_DECLINED");
        assertThat(declined.details().errorInfo().getDomain()).isEqualTo(RpcError.DOMAIN);
        assertThat(declined.details().errorInfo().getMetadataMap()).containsEntry("step", "authorize_payment");
        assertThat(declined.details().preconditionViolations()).singleElement().satisfies(v -> {
            assertThat(v.getSubject()).isEqualTo("checkouts/" + id);
            assertThat(v.getType()).isEqualTo("PAYMENT_DECLINED");
        });

        Checkout failed = flows.get(id);
        assertThat(failed.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_FAILED);
        assertThat(failed.getFailureReason()).startsWith("payment declined");
        assertThat(harness.sim.warehouse().reservation(started.getReservationId()).orElseThrow().getStatus())
            .isEqualTo(ReservationStatus.RESERVATION_STATUS_RELEASED);
        assertThat(harness.sim.order().orderByIdempotencyKey(id)).isEmpty();
        assertThat(harness.sim.order().orderCount()).isEqualTo(ordersBefore);
        Cart stillActive = ok(harness.callNow(CartServiceGrpcClient.GetCart,
            GetCartRequest.newBuilder().setCartId(cart.getCartId()).build()));
        assertThat(stillActive.getStatus()).isEqualTo(CartStatus.CART_STATUS_ACTIVE);

        Reply<Order> retried = flows.confirm(id, "pm-visa");
        assertThat(retried.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(retried.message()).isEqualTo(declined.message());
        assertThat(retried.details().errorInfo().getReason()).isEqualTo("PAYMENT_DECLINED");
        Reply<Checkout> changeFailed = harness.callNow(CheckoutServiceGrpcClient.UpdateShippingAddress, UpdateAddressRequest.newBuilder()
            .setCheckoutId(id).setAddress(address("DE")).build());
        assertThat(changeFailed.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(changeFailed.details().errorInfo().getReason()).isEqualTo("CHECKOUT_NOT_OPEN");
        assertThat(changeFailed.details().errorInfo().getMetadataMap()).containsEntry("status", "CHECKOUT_STATUS_FAILED");
        assertThat(flows.sagaSteps(id)).containsSubsequence("authorize_payment:failed", "release_reservation:compensated");

        Event event = flows.readUntil(checkoutTopic, has("checkout.failed", id)).stream()
            .filter(e -> "checkout.failed".equals(e.type()) && id.equals(e.key())).findFirst().orElseThrow();
        assertThat(event.data().getString("failedStep")).isEqualTo("authorize_payment");
        assertThat(event.data().getJsonArray("compensatedSteps").getList()).containsExactly("release_reservation");
    }

    @Test
    void tenConcurrentConfirmationsMakeOneOrderAndOneAuthorization() {
        Cart cart = flows.cartWith(uniqueCustomer("race"), lines("456", 1, "1001", 2));
        String id = flows.started(cart.getCartId()).getCheckoutId();
        flows.withAddress(id, address("US"));
        int authorizationsBefore = harness.sim.payment().authorizationCount();
        int ordersBefore = harness.sim.order().orderCount();

        List<Future<Reply<Order>>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            calls.add(harness.call(CheckoutServiceGrpcClient.ConfirmCheckout, ConfirmCheckoutRequest.newBuilder().setCheckoutId(id)
                .setPaymentMethodId("pm-visa").setIdempotencyKey("try-" + i).build(), null));
        }
        CheckoutHarness.await(Future.join(calls));
        Set<String> orderIds = calls.stream().map(f -> ok(f.result()).getOrderId()).collect(Collectors.toSet());
        assertThat(orderIds).hasSize(1);
        assertThat(harness.sim.order().orderCount()).isEqualTo(ordersBefore + 1);
        assertThat(harness.sim.payment().authorizationCount()).isEqualTo(authorizationsBefore + 1);
        assertThat(flows.attempts(id)).containsEntry("authorize_payment", 1).containsEntry("create_order", 1).containsEntry("complete", 1);
        assertThat(flows.outbox(id)).containsEntry("checkout.completed", 1);
    }

    @Test
    void aSagaInterruptedAfterAuthorizingIsFinishedOnceByRecovery() throws InterruptedException {
        Cart cart = flows.cartWith(uniqueCustomer("crash"), lines("456", 3));
        Checkout started = flows.started(cart.getCartId());
        String id = started.getCheckoutId();
        flows.withAddress(id, address("US"));
        int authorizationsBefore = harness.sim.payment().authorizationCount();
        int ordersBefore = harness.sim.order().orderCount();

        CheckoutHarness.await(SagaDrills.confirmUntil(harness.service.checkouts(), Caller.developer(), id, "pm-visa",
            SagaStep.AUTHORIZE_PAYMENT));
        Checkout interrupted = flows.get(id);
        assertThat(interrupted.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_CONFIRMING);
        assertThat(harness.sim.payment().authorizationCount()).isEqualTo(authorizationsBefore + 1);
        assertThat(harness.sim.order().orderCount()).isEqualTo(ordersBefore);

        Checkout recovered = interrupted;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (recovered.getStatus() == CheckoutStatus.CHECKOUT_STATUS_CONFIRMING && System.nanoTime() < deadline) {
            Thread.sleep(200);
            recovered = flows.get(id);
        }
        assertThat(recovered.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_COMPLETED);
        assertThat(harness.sim.payment().authorizationCount()).isEqualTo(authorizationsBefore + 1);
        assertThat(harness.sim.order().orderCount()).isEqualTo(ordersBefore + 1);
        assertThat(flows.attempts(id)).containsEntry("authorize_payment", 1).containsEntry("create_order", 1).containsEntry("complete", 1);
        assertThat(flows.outbox(id)).containsEntry("checkout.completed", 1);
        assertThat(harness.sim.warehouse().reservation(started.getReservationId()).orElseThrow().getStatus())
            .isEqualTo(ReservationStatus.RESERVATION_STATUS_COMMITTED);
        Order order = ok(flows.confirm(id, "pm-visa"));
        assertThat(order.getOrderId()).isEqualTo(recovered.getOrderId());
        assertThat(harness.sim.payment().authorization(order.getPaymentAuthorizationId()).orElseThrow().getStatus())
            .isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED);
    }

    @Test
    void thePlansTwoCallFlowUsesTheDefaultAddressAndTheCheapestShipping() {
        String customer = uniqueCustomer("plan");
        Cart cart = flows.cartWith(customer, lines("456", 2));
        Checkout started = flows.started(cart.getCartId());
        Order order = ok(flows.confirm(started.getCheckoutId(), "789"));
        assertThat(order.getOrderId()).isNotEmpty();
        Checkout done = flows.get(started.getCheckoutId());
        Address home = CustomerSimulator.customer(customer).getDefaultAddress();
        assertThat(done.getShippingAddress().getLine1()).isEqualTo(home.getLine1());
        assertThat(done.getShippingAddress().getPostalCode()).isEqualTo(home.getPostalCode());
        long cheapest = done.getAvailableShippingMethodsList().stream().mapToLong(m -> m.getPrice().getAmountMinor()).min().orElseThrow();
        assertThat(done.getShippingMethod().getPrice().getAmountMinor()).isEqualTo(cheapest);
        assertThat(done.getTotals().getShipping().getAmountMinor()).isEqualTo(cheapest);
    }

    @Test
    void theSameFlowWorksOverHttpJsonAsTheManualTestWritesIt() {
        HttpClient http = harness.clientVertx.createHttpClient();
        try {
            JsonObject cart = post(http, "/v1/carts", new JsonObject().put("customer_id", uniqueCustomer("curl")));
            String cartId = cart.getString("cartId");
            post(http, "/v1/carts/" + cartId + "/items", new JsonObject().put("product_id", "456").put("quantity", 2));
            JsonObject checkout = post(http, "/v1/checkouts", new JsonObject().put("cart_id", cartId));
            assertThat(checkout.getString("status")).isEqualTo("CHECKOUT_STATUS_OPEN");
            JsonObject order = post(http, "/v1/checkouts/" + checkout.getString("checkoutId") + "/confirm",
                new JsonObject().put("payment_method_id", "789"));
            assertThat(order.getString("orderId")).isNotBlank();
            assertThat(order.getString("checkoutId")).isEqualTo(checkout.getString("checkoutId"));
        } finally {
            http.close();
        }
    }

    private static JsonObject post(HttpClient http, String uri, JsonObject body) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(harness.service.grpcPort())
            .setURI(uri).putHeader("content-type", "application/json");
        return harness.exchange(() -> http.request(options).compose(req -> req.send(body.toBuffer())).compose(resp -> resp.body().map(b -> {
            assertThat(resp.statusCode()).as("HTTP status of %s: %s", uri, b.toString()).isEqualTo(200);
            return b;
        })).map(Buffer::toJsonObject));
    }

    @Test
    void aCartChangedAfterStartingFailsTheConfirmationAndGivesTheStockBack() {
        Cart cart = flows.cartWith(uniqueCustomer("changed"), lines("456", 1));
        Checkout started = flows.started(cart.getCartId());
        String id = started.getCheckoutId();
        flows.withAddress(id, address("US"));
        flows.cartWith(cart.getCustomerId(), lines("123", 1));

        OrderPreview preview = ok(harness.callNow(CheckoutServiceGrpcClient.PreviewOrder,
            PreviewOrderRequest.newBuilder().setCheckoutId(id).build()));
        assertThat(preview.getReady()).isFalse();
        assertThat(preview.getIssuesList()).contains("cart changed since checkout started");
        int authorizationsBefore = harness.sim.payment().authorizationCount();

        Reply<Order> refused = flows.confirm(id, "pm-visa");
        assertThat(refused.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(refused.message()).startsWith("cart changed");
        assertThat(refused.details().errorInfo().getReason()).isEqualTo("CART_CHANGED");
        assertThat(flows.get(id).getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_FAILED);
        assertThat(harness.sim.payment().authorizationCount()).isEqualTo(authorizationsBefore);
        assertThat(harness.sim.warehouse().reservation(started.getReservationId()).orElseThrow().getStatus())
            .isEqualTo(ReservationStatus.RESERVATION_STATUS_RELEASED);
        Checkout fresh = flows.started(cart.getCartId());
        assertThat(fresh.getCheckoutId()).isNotEqualTo(id);
        assertThat(fresh.getItemsList()).hasSize(2);
    }

    @Test
    void aStaleExpectedVersionIsAbortedAndAMethodNotOfferedIsRefused() {
        Cart cart = flows.cartWith(uniqueCustomer("stale"), lines("456", 1));
        Checkout started = flows.started(cart.getCartId());
        String id = started.getCheckoutId();
        Checkout addressed = flows.withAddress(id, address("US"));

        Reply<Checkout> staleAddress = harness.callNow(CheckoutServiceGrpcClient.UpdateShippingAddress, UpdateAddressRequest.newBuilder()
            .setCheckoutId(id).setAddress(address("DE")).setExpectedVersion(started.getVersion()).build());
        assertThat(staleAddress.status()).isEqualTo(GrpcStatus.ABORTED);
        assertThat(staleAddress.message()).contains("stale version");
        Reply<Checkout> staleMethod = harness.callNow(CheckoutServiceGrpcClient.SelectShippingMethod, SelectShippingMethodRequest
            .newBuilder().setCheckoutId(id).setShippingMethodId("standard").setExpectedVersion(addressed.getVersion() + 3).build());
        assertThat(staleMethod.status()).isEqualTo(GrpcStatus.ABORTED);
        Reply<Order> staleConfirm = harness.callNow(CheckoutServiceGrpcClient.ConfirmCheckout, ConfirmCheckoutRequest.newBuilder()
            .setCheckoutId(id).setPaymentMethodId("pm").setExpectedVersion(started.getVersion()).build());
        assertThat(staleConfirm.status()).isEqualTo(GrpcStatus.ABORTED);
        assertThat(flows.get(id).getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_OPEN);

        Reply<Checkout> notOffered = harness.callNow(CheckoutServiceGrpcClient.SelectShippingMethod, SelectShippingMethodRequest
            .newBuilder().setCheckoutId(id).setShippingMethodId("teleport").build());
        assertThat(notOffered.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(notOffered.message()).contains("teleport");
        assertThat(notOffered.details().errorInfo().getReason()).isEqualTo("SHIPPING_METHOD_NOT_OFFERED");
        assertThat(notOffered.details().errorInfo().getMetadataMap()).containsEntry("shipping_method_id", "teleport");
        assertThat(flows.get(id).getVersion()).isEqualTo(addressed.getVersion());
    }

    @Test
    void aBadAddressIsInvalidNamingTheField() {
        Cart cart = flows.cartWith(uniqueCustomer("addr"), lines("456", 1));
        String id = flows.started(cart.getCartId()).getCheckoutId();
        Reply<Checkout> badCountry = harness.callNow(CheckoutServiceGrpcClient.UpdateShippingAddress, UpdateAddressRequest.newBuilder()
            .setCheckoutId(id).setAddress(address("USA")).build());
        assertThat(badCountry.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(badCountry.message()).startsWith("address.country_code");
        assertThat(badCountry.details().errorInfo().getReason()).isEqualTo(RpcError.INVALID_FIELD);
        assertThat(badCountry.details().fieldViolations()).containsExactly("address.country_code");
        Reply<Checkout> noCity = harness.callNow(CheckoutServiceGrpcClient.UpdateBillingAddress, UpdateAddressRequest.newBuilder()
            .setCheckoutId(id).setAddress(address("US").toBuilder().clearCity()).build());
        assertThat(noCity.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(noCity.message()).startsWith("address.city");
        assertThat(flows.get(id).hasShippingAddress()).isFalse();
    }

    @Test
    void missingStockRefusesTheStartNamingTheProductAndLeavesNothingBehind() {
        Cart cart = flows.cartWith(uniqueCustomer("stock"), lines("456", 1, "1001", 1));
        harness.sim.knobs(SimService.WAREHOUSE).outOfStock(Set.of("1001"));
        try {
            Reply<Checkout> refused = flows.start(cart.getCartId(), null);
            assertThat(refused.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
            assertThat(refused.message()).contains("1001");
            assertThat(refused.details().errorInfo().getReason()).isEqualTo("STOCK_NOT_RESERVED");
            assertThat(refused.details().preconditionViolations()).singleElement()
                .satisfies(v -> assertThat(v.getSubject()).isEqualTo("carts/" + cart.getCartId()));
        } finally {
            harness.sim.knobs(SimService.WAREHOUSE).reset();
        }
        assertThat(flows.checkoutsOfCart(cart.getCartId())).isZero();
        Checkout later = flows.started(cart.getCartId());
        assertThat(later.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_OPEN);
    }

    @Test
    void aRetriedStartReturnsTheSameCheckoutAndAnEmptyCartCannotStart() {
        Cart cart = flows.cartWith(uniqueCustomer("again"), lines("456", 1));
        Checkout first = ok(harness.callNow(CheckoutServiceGrpcClient.StartCheckout, StartCheckoutRequest.newBuilder()
            .setCartId(cart.getCartId()).setIdempotencyKey("start-1").build()));
        Checkout second = ok(harness.callNow(CheckoutServiceGrpcClient.StartCheckout, StartCheckoutRequest.newBuilder()
            .setCartId(cart.getCartId()).setIdempotencyKey("start-1").build()));
        assertThat(second.getCheckoutId()).isEqualTo(first.getCheckoutId());
        assertThat(flows.checkoutsOfCart(cart.getCartId())).isEqualTo(1);

        Cart empty = flows.cartWith(uniqueCustomer("empty"), lines());
        Reply<Checkout> refused = flows.start(empty.getCartId(), null);
        assertThat(refused.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(refused.details().errorInfo().getReason()).isEqualTo("CART_EMPTY");
        Reply<Checkout> noCart = flows.start("no-such-cart", null);
        assertThat(noCart.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(noCart.details().errorInfo().getReason()).isEqualTo("CART_NOT_FOUND");
        Reply<Checkout> noCheckout = harness.callNow(CheckoutServiceGrpcClient.GetCheckout,
            GetCheckoutRequest.newBuilder().setCheckoutId("no-such-checkout").build());
        assertThat(noCheckout.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(noCheckout.details().errorInfo().getReason()).isEqualTo("CHECKOUT_NOT_FOUND");
    }
}
