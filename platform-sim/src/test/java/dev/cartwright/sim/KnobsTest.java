package dev.cartwright.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import dev.cartwright.proto.platform.v1.CatalogServiceGrpcClient;
import dev.cartwright.proto.platform.v1.GetCustomerRequest;
import dev.cartwright.proto.platform.v1.GetProductsRequest;
import dev.cartwright.proto.platform.v1.ListPromotionsRequest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
class KnobsTest {

    private static final GetProductsRequest P456 = GetProductsRequest.newBuilder().addProductIds("456").build();
    private static SimHarness harness;
    private static Vertx vertx;

    @BeforeAll
    static void start(Vertx v) {
        vertx = v;
        harness = SimHarness.start(vertx, SimHarness.testConfig());
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @AfterEach
    void wellBehavedAgain() {
        harness.sim.resetKnobs();
    }

    @Test
    void a_simulator_that_is_down_answers_every_call_unavailable() {
        harness.sim.knobs(SimService.CATALOG).down(true);

        SimHarness.Failure failure = harness.failure(SimService.CATALOG, CatalogServiceGrpcClient.GetProducts, P456);

        assertThat(failure.status()).isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(failure.message()).contains("down");
        assertThat(harness.sim.knobs(SimService.CATALOG).serving()).isFalse();
        assertThat(harness.call(() -> harness.promotion().listPromotions(ListPromotionsRequest.getDefaultInstance())).getPromotionsCount())
            .as("other simulators are not affected").isPositive();
        harness.sim.knobs(SimService.CATALOG).down(false);
        assertThat(harness.call(() -> harness.catalog().getProducts(P456)).getProductsCount()).isEqualTo(1);
    }

    @Test
    void fail_next_fails_exactly_that_many_calls() {
        harness.sim.knobs(SimService.CATALOG).failNext(2);
        CatalogServiceGrpcClient catalog = harness.catalog();

        assertThat(harness.statusOf(() -> catalog.getProducts(P456))).isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(harness.statusOf(() -> catalog.getProducts(P456))).isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(harness.call(() -> catalog.getProducts(P456)).getProductsCount()).isEqualTo(1);
        assertThat(harness.sim.knobs(SimService.CATALOG).current().failNext()).isZero();
    }

    @Test
    void an_error_rate_of_one_fails_everything_and_added_latency_still_answers() {
        harness.sim.knobs(SimService.CUSTOMER).errorRate(1.0);
        assertThat(harness.statusOf(() -> harness.customer().getCustomer(GetCustomerRequest.newBuilder().setCustomerId("1").build())))
            .isEqualTo(GrpcStatus.UNAVAILABLE);

        harness.sim.knobs(SimService.CUSTOMER).errorRate(0.0).latencyMs(20);
        assertThat(harness.call(() ->
            harness.customer().getCustomer(GetCustomerRequest.newBuilder().setCustomerId("1").build())).getCustomerId())
            .isEqualTo("1");
    }

    @Test
    void random_failures_repeat_for_the_same_seed() {
        List<Boolean> first = failurePattern(new SplittableRandom(99));
        List<Boolean> second = failurePattern(new SplittableRandom(99));

        assertThat(second).isEqualTo(first);
        assertThat(first).contains(true, false);
    }

    @Test
    void knobs_refuse_values_that_make_no_sense() {
        assertThatThrownBy(() -> Knobs.NONE.withErrorRate(1.5))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("errorRate");
        assertThatThrownBy(() -> Knobs.NONE.withLatencyMs(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Knobs.NONE.withFailNext(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_admin_endpoint_turns_a_knob_that_grpc_callers_then_feel() {
        JsonObject reply = harness.admin(HttpMethod.POST, "/knobs", new JsonObject().put("service", "catalog").put("down", true), 200);

        assertThat(reply.getBoolean("down")).isTrue();
        assertThat(harness.statusOf(() -> harness.catalog().getProducts(P456))).isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(harness.admin(HttpMethod.GET, "/knobs", null, 200).getJsonObject("catalog").getBoolean("down")).isTrue();

        harness.admin(HttpMethod.POST, "/knobs/reset", null, 200);
        assertThat(harness.call(() -> harness.catalog().getProducts(P456)).getProductsCount()).isEqualTo(1);
    }

    @Test
    void the_admin_endpoint_sets_fail_next_and_declines_for_payment() {
        JsonObject body = new JsonObject().put("service", "payment").put("failNext", 3).put("declineAll", true);
        harness.admin(HttpMethod.POST, "/knobs", body, 200);

        Knobs knobs = harness.sim.knobs(SimService.PAYMENT).current();
        assertThat(knobs.failNext()).isEqualTo(3);
        assertThat(knobs.declineAll()).isTrue();
        assertThat(harness.sim.knobs(SimService.CATALOG).current()).isEqualTo(Knobs.NONE);
    }

    @Test
    void the_admin_endpoint_rejects_bad_knobs_and_changes_nothing() {
        JsonObject badRate = harness.admin(HttpMethod.POST, "/knobs", new JsonObject().put("service", "all").put("errorRate", 2.0), 400);
        JsonObject badService = harness.admin(HttpMethod.POST, "/knobs", new JsonObject().put("service", "billing").put("down", true), 400);

        assertThat(badRate.getString("error")).contains("errorRate");
        assertThat(badService.getString("error")).contains("service");
        for (SimService service : SimService.values()) {
            assertThat(harness.sim.knobs(service).current()).isEqualTo(Knobs.NONE);
        }
    }

    @Test
    void the_admin_status_lists_every_port() {
        JsonObject status = harness.admin(HttpMethod.GET, "/status", null, 200);

        for (SimService service : SimService.values()) {
            assertThat(status.getJsonObject("simulators").getJsonObject(service.key()).getInteger("port"))
                .isEqualTo(harness.sim.port(service));
        }
        assertThat(status.getInteger("products")).isEqualTo(5000);
    }

    private List<Boolean> failurePattern(SplittableRandom random) {
        ServiceKnobs knobs = new ServiceKnobs(SimService.CATALOG, vertx, random, Knobs.NONE.withErrorRate(0.5));
        List<Boolean> pattern = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Future<String> call = knobs.gate(() -> Future.succeededFuture("ok"));
            pattern.add(call.failed());
        }
        return pattern;
    }
}
