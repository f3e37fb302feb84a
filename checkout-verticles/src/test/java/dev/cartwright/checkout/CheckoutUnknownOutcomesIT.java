package dev.cartwright.checkout;

import static dev.cartwright.checkout.CheckoutFlows.ok;
import static dev.cartwright.checkout.CheckoutFlows.uniqueCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.checkout.CheckoutHarness.Reply;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.Checkout;
import dev.cartwright.proto.checkout.v1.CheckoutStatus;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.platform.v1.AuthorizationStatus;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.PaymentAuthorization;
import dev.cartwright.sim.SimService;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An unknown outcome is not a failure: the order or payment simulator does the work, then holds its answer back
 * until the Checkout Service has given up (the "commit, then time out" knob), more often than the service retries
 * within one request. The saga neither voids the authorization while the order may exist nor reopens the checkout
 * with an authorization nothing records: it parks, resolves the outcome with the same idempotency key, and finishes
 * with exactly one order and one captured authorization.
 */
@ExtendWith(RealServices.class)
class CheckoutUnknownOutcomesIT {

    private static CheckoutHarness harness;
    private static CheckoutFlows flows;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        harness = CheckoutHarness.start(postgres, redis, kafka, Map.of("CARTWRIGHT_CHECKOUT_EVENTS_TOPIC",
            kafka.createTopic("checkout_events"), "CARTWRIGHT_NEIGHBOUR_TIMEOUT", "700ms", "CARTWRIGHT_NEIGHBOUR_RETRIES", "1",
            "CARTWRIGHT_NEIGHBOUR_MAX_FAILURES", "200", "CARTWRIGHT_SAGA_LEASE", "2s", "CARTWRIGHT_SAGA_RETRY_AFTER", "500ms",
            "CARTWRIGHT_SAGA_RECOVERY_EVERY", "300ms"));
        flows = new CheckoutFlows(harness, kafka);
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @AfterEach
    void wellBehavedAgain() {
        harness.sim.resetKnobs();
    }

    @Test
    void anOrderPlacedWhoseAnswerWasLostIsFoundWithTheSameKeyAndItsPaymentIsCapturedNeverVoided() throws InterruptedException {
        Cart cart = flows.cartWith(uniqueCustomer("lostorder"), Map.of("456", 1));
        String id = flows.started(cart.getCartId()).getCheckoutId();
        int ordersBefore = harness.sim.order().orderCount();
        harness.sim.knobs(SimService.ORDER).commitThenTimeoutNext(2);

        Reply<Order> first = flows.confirm(id, "pm-visa");
        assertThat(first.status()).as(first.message()).isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(first.message()).contains("outcome of create_order is not known");
        assertThat(harness.sim.order().orderByIdempotencyKey(id)).as("the order was placed").isPresent();

        Checkout done = settled(id);
        assertThat(done.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_COMPLETED);
        OrderDetails placed = harness.sim.order().orderByIdempotencyKey(id).orElseThrow();
        assertThat(done.getOrderId()).isEqualTo(placed.getOrderId());
        assertThat(harness.sim.order().orderCount()).isEqualTo(ordersBefore + 1);
        PaymentAuthorization payment = harness.sim.payment().authorizationByKey(id + ":authorize").orElseThrow();
        assertThat(payment.getStatus()).isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED);
        assertThat(flows.sagaSteps(id)).doesNotContain("void_authorization:compensated");
        assertThat(ok(flows.confirm(id, "pm-visa")).getOrderId()).isEqualTo(placed.getOrderId());
    }

    @Test
    void aPaymentAuthorizedWhoseAnswerWasLostIsFoundWithTheSameKeyNotLeftBehindOnAReopenedCheckout() throws InterruptedException {
        Cart cart = flows.cartWith(uniqueCustomer("lostpayment"), Map.of("456", 1));
        String id = flows.started(cart.getCartId()).getCheckoutId();
        int authorizationsBefore = harness.sim.payment().authorizationCount();
        harness.sim.knobs(SimService.PAYMENT).commitThenTimeoutNext(2);

        Reply<Order> first = flows.confirm(id, "pm-visa");
        assertThat(first.status()).as(first.message()).isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(first.message()).contains("outcome of authorize_payment is not known");
        assertThat(harness.sim.payment().authorizationByKey(id + ":authorize")).as("the payment was authorized").isPresent();

        Checkout done = settled(id);
        assertThat(done.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_COMPLETED);
        assertThat(harness.sim.payment().authorizationCount()).isEqualTo(authorizationsBefore + 1);
        PaymentAuthorization payment = harness.sim.payment().authorizationByKey(id + ":authorize").orElseThrow();
        assertThat(payment.getStatus()).isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED);
        assertThat(harness.sim.order().orderByIdempotencyKey(id)).isPresent();
        assertThat(flows.attempts(id)).containsEntry("authorize_payment", 2).containsEntry("create_order", 1);
    }

    @Test
    void aLostAnswerResolvedByTheRetryWithinTheRequestAnswersWithTheOrder() {
        Cart cart = flows.cartWith(uniqueCustomer("retried"), Map.of("456", 1));
        String id = flows.started(cart.getCartId()).getCheckoutId();
        int ordersBefore = harness.sim.order().orderCount();
        harness.sim.knobs(SimService.ORDER).commitThenTimeoutNext(1);

        Order order = ok(flows.confirm(id, "pm-visa"));
        assertThat(order.getOrderId()).isEqualTo(harness.sim.order().orderByIdempotencyKey(id).orElseThrow().getOrderId());
        assertThat(harness.sim.order().orderCount()).isEqualTo(ordersBefore + 1);
    }

    /** The checkout once it has left CONFIRMING (recovery resolves parked sagas in the background), at most 60 s on. */
    private static Checkout settled(String id) throws InterruptedException {
        Checkout c = flows.get(id);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (c.getStatus() == CheckoutStatus.CHECKOUT_STATUS_CONFIRMING && System.nanoTime() < deadline) {
            Thread.sleep(200);
            c = flows.get(id);
        }
        return c;
    }
}
