package dev.cartwright.checkout;

import static dev.cartwright.checkout.CheckoutFlows.address;
import static dev.cartwright.checkout.CheckoutFlows.uniqueCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.checkout.CheckoutHarness.Reply;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.Checkout;
import dev.cartwright.proto.checkout.v1.CheckoutServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.ConfirmCheckoutRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.sim.SimService;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.grpc.common.GrpcStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stopping the Checkout Service lets a call in flight finish: a ConfirmCheckout waiting on a slow payment service when
 * the stop begins still answers with its order, while readiness already says 503 so that no new work is sent. With a
 * drain delay, a stopping service keeps answering new calls for that long while its readiness says 503, so that a
 * gateway's health checks take it out of rotation before it stops accepting.
 */
@ExtendWith(RealServices.class)
class GracefulShutdownIT {

    @Test
    void aConfirmInFlightWhenTheServiceStopsStillAnswersWithItsOrder(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka)
            throws Exception {
        try (CheckoutHarness harness = CheckoutHarness.start(postgres, redis, kafka,
                Map.of("CARTWRIGHT_CHECKOUT_EVENTS_TOPIC", kafka.createTopic("checkout_events"),
                    // The slow payment below must be slow, not failed.
                    "CARTWRIGHT_NEIGHBOUR_TIMEOUT", "10s"))) {
            CheckoutFlows flows = new CheckoutFlows(harness, kafka);
            Cart cart = flows.cartWith(uniqueCustomer("drain"), Map.of("456", 1));
            Checkout started = flows.started(cart.getCartId());
            String id = started.getCheckoutId();
            flows.withAddress(id, address("US"));
            harness.sim.knobs(SimService.PAYMENT).latencyMs(1500);
            int authorizationsBefore = harness.sim.payment().authorizationCount();

            Future<Reply<Order>> confirm = harness.call(CheckoutServiceGrpcClient.ConfirmCheckout,
                ConfirmCheckoutRequest.newBuilder().setCheckoutId(id).setPaymentMethodId("pm-visa").build(), null);
            // In flight: the saga is under way (the checkout is CONFIRMING) and the payment service has not answered.
            while (!"confirming".equalsIgnoreCase(flows.column(id, "status"))) {
                assertThat(confirm.isComplete()).as("the confirm is still in flight").isFalse();
                Thread.sleep(20);
            }
            int adminPort = harness.service.adminPort();
            Future<Void> stopped = harness.service.stop();
            HttpClient http = harness.clientVertx.createHttpClient();
            int readiness = harness.exchange(() -> http.request(HttpMethod.GET, adminPort, "127.0.0.1", "/ready")
                .compose(request -> request.send()).map(response -> response.statusCode()));

            Reply<Order> reply = CheckoutHarness.await(confirm);
            CheckoutHarness.await(stopped);

            assertThat(readiness).isEqualTo(503);
            assertThat(reply.status()).as("the confirm's status (%s)", reply.message()).isEqualTo(GrpcStatus.OK);
            assertThat(reply.body().getOrderId()).isNotEmpty();
            assertThat(harness.sim.payment().authorizationCount()).isEqualTo(authorizationsBefore + 1);
        }
    }

    @Test
    void duringTheDrainDelayReadinessSays503AndNewCallsAreStillServed(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        try (CheckoutHarness harness = CheckoutHarness.start(postgres, redis, kafka,
                Map.of("CARTWRIGHT_CHECKOUT_DRAIN_DELAY", "3s"))) {
            CheckoutFlows flows = new CheckoutFlows(harness, kafka);
            Cart cart = flows.cartWith(uniqueCustomer("delay"), Map.of("456", 1));
            int adminPort = harness.service.adminPort();
            Future<Void> stopped = harness.service.stop();
            HttpClient http = harness.clientVertx.createHttpClient();
            int readiness = harness.exchange(() -> http.request(HttpMethod.GET, adminPort, "127.0.0.1", "/ready")
                .compose(request -> request.send()).map(response -> response.statusCode()));
            Reply<Cart> read = harness.callNow(CartServiceGrpcClient.GetCart,
                GetCartRequest.newBuilder().setCartId(cart.getCartId()).build());
            boolean stoppedBeforeTheCall = stopped.isComplete();
            CheckoutHarness.await(stopped);

            assertThat(readiness).isEqualTo(503);
            assertThat(stoppedBeforeTheCall).isFalse();
            assertThat(read.status()).as("a call made after the stop began (%s)", read.message()).isEqualTo(GrpcStatus.OK);
            assertThat(read.body().getCartId()).isEqualTo(cart.getCartId());
        }
    }
}
