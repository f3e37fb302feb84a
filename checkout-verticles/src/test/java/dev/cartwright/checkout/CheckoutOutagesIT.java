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
import dev.cartwright.proto.checkout.v1.Checkout;
import dev.cartwright.proto.checkout.v1.CheckoutStatus;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.platform.v1.AuthorizationStatus;
import dev.cartwright.proto.platform.v1.ReservationStatus;
import dev.cartwright.service.auth.Caller;
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
 * A neighbour that does not answer: before anything is charged, ConfirmCheckout answers UNAVAILABLE and the checkout
 * stays open for a retry; once a payment is authorized, the saga undoes what it did (void, release) and the checkout
 * ends FAILED, the reply saying so.
 */
@ExtendWith(RealServices.class)
class CheckoutOutagesIT {

    private static CheckoutHarness harness;
    private static CheckoutFlows flows;
    private static String checkoutTopic;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        checkoutTopic = kafka.createTopic("checkout_events");
        harness = CheckoutHarness.start(postgres, redis, kafka, Map.of("CARTWRIGHT_CHECKOUT_EVENTS_TOPIC", checkoutTopic,
            "CARTWRIGHT_NEIGHBOUR_RETRIES", "1", "CARTWRIGHT_NEIGHBOUR_MAX_FAILURES", "200", "CARTWRIGHT_SAGA_LEASE", "2s",
            "CARTWRIGHT_SAGA_RETRY_AFTER", "500ms", "CARTWRIGHT_SAGA_RECOVERY_EVERY", "300ms"));
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
    void paymentDownBeforeAnyChargeAnswersUnavailableAndTheCheckoutCanBeConfirmedLater() {
        Cart cart = flows.cartWith(uniqueCustomer("paydown"), Map.of("456", 1));
        Checkout started = flows.started(cart.getCartId());
        String id = started.getCheckoutId();
        flows.withAddress(id, address("US"));
        int authorizationsBefore = harness.sim.payment().authorizationCount();

        harness.sim.knobs(SimService.PAYMENT).down(true);
        Reply<Order> down = flows.confirm(id, "pm-visa");
        assertThat(down.status()).isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(down.message()).contains("nothing was charged");
        Checkout reopened = flows.get(id);
        assertThat(reopened.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_OPEN);
        assertThat(harness.sim.payment().authorizationCount()).isEqualTo(authorizationsBefore);
        assertThat(harness.sim.warehouse().reservation(started.getReservationId()).orElseThrow().getStatus())
            .isEqualTo(ReservationStatus.RESERVATION_STATUS_HELD);

        harness.sim.knobs(SimService.PAYMENT).down(false);
        Order order = ok(flows.confirm(id, "pm-visa"));
        assertThat(flows.get(id).getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_COMPLETED);
        assertThat(harness.sim.payment().authorizationCount()).isEqualTo(authorizationsBefore + 1);
        assertThat(harness.sim.payment().authorization(order.getPaymentAuthorizationId()).orElseThrow().getStatus())
            .isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED);
        assertThat(flows.sagaSteps(id)).containsSubsequence("authorize_payment:failed", "authorize_payment:succeeded",
            "complete:succeeded");
    }

    @Test
    void anUndoingThatCannotFinishIsResumedByRecoveryUntilTheCheckoutIsFailedAndEverythingGivenBack() throws InterruptedException {
        Cart cart = flows.cartWith(uniqueCustomer("undo"), Map.of("456", 1));
        Checkout started = flows.started(cart.getCartId());
        String id = started.getCheckoutId();
        flows.withAddress(id, address("US"));
        int ordersBefore = harness.sim.order().orderCount();

        // The process "dies" right after authorizing; by the time recovery takes over, order and warehouse are down.
        CheckoutHarness.await(SagaDrills.confirmUntil(harness.service.checkouts(), Caller.developer(), id, "pm-visa",
            SagaStep.AUTHORIZE_PAYMENT));
        harness.sim.knobs(SimService.ORDER).down(true);
        harness.sim.knobs(SimService.WAREHOUSE).down(true);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!flows.sagaSteps(id).contains("release_reservation:failed") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(flows.sagaSteps(id)).contains("create_order:failed", "void_authorization:compensated", "release_reservation:failed");
        assertThat(flows.get(id).getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_CONFIRMING);
        assertThat(harness.sim.warehouse().reservation(started.getReservationId()).orElseThrow().getStatus())
            .isEqualTo(ReservationStatus.RESERVATION_STATUS_HELD);

        harness.sim.resetKnobs();
        Checkout after = flows.get(id);
        while (after.getStatus() == CheckoutStatus.CHECKOUT_STATUS_CONFIRMING && System.nanoTime() < deadline) {
            Thread.sleep(100);
            after = flows.get(id);
        }
        assertThat(after.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_FAILED);
        assertThat(harness.sim.warehouse().reservation(started.getReservationId()).orElseThrow().getStatus())
            .isEqualTo(ReservationStatus.RESERVATION_STATUS_RELEASED);
        assertThat(harness.sim.payment().authorization(flows.column(id, "payment_authorization_id")).orElseThrow().getStatus())
            .isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_VOIDED);
        assertThat(harness.sim.order().orderCount()).isEqualTo(ordersBefore);
        assertThat(flows.attempts(id)).containsEntry("void_authorization", 1);
        assertThat(flows.sagaSteps(id)).containsSubsequence("release_reservation:failed", "release_reservation:compensated");
        assertThat(flows.outbox(id)).containsEntry("checkout.failed", 1);
    }

    @Test
    void orderServiceDownAfterAuthorizingVoidsReleasesAndFailsSayingSo() {
        Cart cart = flows.cartWith(uniqueCustomer("orderdown"), Map.of("456", 2));
        Checkout started = flows.started(cart.getCartId());
        String id = started.getCheckoutId();
        flows.withAddress(id, address("US"));
        int ordersBefore = harness.sim.order().orderCount();

        harness.sim.knobs(SimService.ORDER).down(true);
        Reply<Order> failed = flows.confirm(id, "pm-visa");
        assertThat(failed.status()).isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(failed.message()).contains("create_order").contains("the checkout failed")
            .contains("void_authorization, release_reservation");
        harness.sim.knobs(SimService.ORDER).down(false);

        Checkout after = flows.get(id);
        assertThat(after.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_FAILED);
        assertThat(after.getFailureReason()).contains("order unavailable");
        assertThat(harness.sim.order().orderCount()).isEqualTo(ordersBefore);
        assertThat(harness.sim.warehouse().reservation(started.getReservationId()).orElseThrow().getStatus())
            .isEqualTo(ReservationStatus.RESERVATION_STATUS_RELEASED);
        String authorizationId = flows.column(id, "payment_authorization_id");
        assertThat(harness.sim.payment().authorization(authorizationId).orElseThrow().getStatus())
            .isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_VOIDED);

        Reply<Order> retried = flows.confirm(id, "pm-visa");
        assertThat(retried.status()).isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(retried.message()).isEqualTo(failed.message());
        Event event = flows.readUntil(checkoutTopic, has("checkout.failed", id)).stream()
            .filter(e -> "checkout.failed".equals(e.type()) && id.equals(e.key())).findFirst().orElseThrow();
        assertThat(event.data().getString("failedStep")).isEqualTo("create_order");
        assertThat(event.data().getJsonArray("compensatedSteps").getList()).containsExactly("void_authorization", "release_reservation");
    }
}
