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
import dev.cartwright.sim.SimService;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stuck work surfaces and can be resolved: a confirmation whose payment outcome stays unknown past
 * CARTWRIGHT_SAGA_ATTENTION_AFTER needs attention. ConfirmCheckout then answers FAILED_PRECONDITION (not UNAVAILABLE
 * forever), the admin port lists it with its reason, the gauge counts it, and once the payment service is back an
 * operator's retry lets the recovery verticle finish it with the same keys: one order, one captured authorization.
 */
@ExtendWith(RealServices.class)
class SagasNeedingAttentionIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static CheckoutHarness harness;
    private static CheckoutFlows flows;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        harness = CheckoutHarness.start(postgres, redis, kafka, Map.of("CARTWRIGHT_CHECKOUT_EVENTS_TOPIC",
            kafka.createTopic("checkout_events"), "CARTWRIGHT_NEIGHBOUR_TIMEOUT", "500ms", "CARTWRIGHT_NEIGHBOUR_RETRIES", "0",
            "CARTWRIGHT_NEIGHBOUR_MAX_FAILURES", "1000", "CARTWRIGHT_SAGA_LEASE", "2s", "CARTWRIGHT_SAGA_RETRY_AFTER", "300ms",
            "CARTWRIGHT_SAGA_RECOVERY_EVERY", "300ms", "CARTWRIGHT_SAGA_ATTENTION_AFTER", "3s"));
        flows = new CheckoutFlows(harness, kafka);
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void aConfirmationStuckPastTheBoundNeedsAttentionAndAnOperatorRetryFinishesItOnce() throws Exception {
        Cart cart = flows.cartWith(uniqueCustomer("stuck"), Map.of("456", 1));
        String id = flows.started(cart.getCartId()).getCheckoutId();
        harness.sim.knobs(SimService.PAYMENT).commitThenTimeoutNext(1_000_000);
        try {
            Reply<Order> first = flows.confirm(id, "pm-visa");
            assertThat(first.status()).as(first.message()).isEqualTo(GrpcStatus.UNAVAILABLE);

            JsonObject listed = new JsonObject();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (listed.getInteger("count", 0) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                listed = new JsonObject(admin("GET", "/sagas", 200));
            }
            assertThat(listed.getInteger("count")).isEqualTo(1);
            JsonObject stuck = listed.getJsonArray("sagas").getJsonObject(0);
            assertThat(stuck.getString("checkout_id")).isEqualTo(id);
            assertThat(stuck.getString("reason")).contains("outcome unknown").contains("AuthorizePayment");
            assertThat(new JsonObject(admin("GET", "/sagas/" + id, 200)).getString("checkout_id")).isEqualTo(id);
            assertThat(admin("GET", "/metrics", 200)).containsPattern("(?m)^cartwright_checkout_saga_needing_attention(\\{[^}]*})? 1\\.0$");

            Reply<Order> refused = flows.confirm(id, "pm-visa");
            assertThat(refused.status()).as(refused.message()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
            assertThat(refused.message()).contains("needs attention");
            assertThat(refused.details().errorInfo().getReason()).isEqualTo("CHECKOUT_NEEDS_ATTENTION");
            int callsWhileWaiting = (int) harness.sim.knobs(SimService.PAYMENT).calls();
            Thread.sleep(1_500);
            assertThat(harness.sim.knobs(SimService.PAYMENT).calls()).as("nothing retries it automatically any more")
                .isEqualTo(callsWhileWaiting);
        } finally {
            harness.sim.resetKnobs();
        }

        assertThat(new JsonObject(admin("POST", "/sagas/" + id + "/retry", 200)).getString("outcome")).isEqualTo("retried");
        admin("POST", "/sagas/" + id + "/retry", 404);
        Checkout done = flows.get(id);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (done.getStatus() == CheckoutStatus.CHECKOUT_STATUS_CONFIRMING && System.nanoTime() < deadline) {
            Thread.sleep(200);
            done = flows.get(id);
        }
        assertThat(done.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_COMPLETED);
        assertThat(harness.sim.payment().authorizationByKey(id + ":authorize").orElseThrow().getStatus())
            .isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED);
        assertThat(harness.sim.order().orderByIdempotencyKey(id)).isPresent();
        assertThat(ok(flows.confirm(id, "pm-visa")).getOrderId()).isEqualTo(done.getOrderId());
        assertThat(new JsonObject(admin("GET", "/sagas", 200)).getInteger("count")).isZero();
    }

    private static String admin(String method, String path, int expected) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + harness.service.adminPort()
                + path)).method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(expected);
        return response.body();
    }
}
