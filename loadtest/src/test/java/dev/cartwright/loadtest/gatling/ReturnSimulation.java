package dev.cartwright.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Returns over HTTP/JSON: each of {@code -Dusers} customers (default 200) gets a delivered order
 * from the order simulator (a setup call left out of the statistics), then creates a return,
 * has it approved, received and refunded, and reads it back. Holds the run to the p95 bar.
 */
public class ReturnSimulation extends Simulation {

    private static final String RETURNS_URL = System.getProperty("returnsUrl", "http://127.0.0.1:9004");
    private static final String SIM_ADMIN = System.getProperty("simAdminUrl", "http://127.0.0.1:9100");
    private static final int USERS = Integer.getInteger("users", 200);
    private static final Duration RAMP = Duration.ofSeconds(Long.getLong("rampSeconds", 20));

    private static final ScenarioBuilder RETURNS = scenario("returning customers")
        .exec(session -> session.set("customer", "load-" + System.nanoTime() + "-" + session.userId()))
        .exec(http("delivered order (setup)").post(SIM_ADMIN + "/orders/delivered")
            .body(StringBody("{\"customerId\":\"#{customer}\",\"items\":[{\"productId\":\"456\",\"quantity\":2},"
                + "{\"productId\":\"1001\",\"quantity\":1}]}"))
            .check(status().is(200), jsonPath("$.orderId").saveAs("orderId"))
            .silent())
        .exec(http("CreateReturnRequest").post("/v1/returns")
            .body(StringBody("{\"order_id\":\"#{orderId}\",\"customer_id\":\"#{customer}\","
                + "\"items\":[{\"order_item_id\":\"1\",\"quantity\":1,\"reason\":\"defective\"}]}"))
            .check(status().is(200), jsonPath("$.returnId").saveAs("returnId")))
        .exec(http("ApproveReturn").post("/v1/returns/#{returnId}/approve").body(StringBody("{}")).check(status().is(200)))
        .exec(http("ReceiveItems").post("/v1/returns/#{returnId}/receive")
            .body(StringBody("{\"items\":[{\"order_item_id\":\"1\",\"quantity_received\":1,\"condition\":\"resellable\","
                + "\"passed_inspection\":true}]}"))
            .check(status().is(200)))
        .exec(http("ProcessRefund").post("/v1/returns/#{returnId}/refund").body(StringBody("{}"))
            .check(status().is(200), jsonPath("$.refunds[0].refundId").exists()))
        .exec(http("GetReturnRequest").get("/v1/returns/#{returnId}").check(status().is(200)));

    {
        setUp(RETURNS.injectOpen(rampUsers(USERS).during(RAMP)))
            .protocols(http.baseUrl(RETURNS_URL).contentTypeHeader("application/json").acceptHeader("application/json"))
            .assertions(
                global().responseTime().percentile(95.0).lt(CartJourney.MAX_P95_MS),
                global().failedRequests().count().is(0L));
    }

}
