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
 * Checkout over HTTP/JSON: each of {@code -Dusers} customers (default 200) fills a cart, starts a
 * checkout and confirms it (the saga: reservation, payment authorisation, order creation), then
 * reads the checkout back. Holds the run to the p95 bar and to zero failures.
 */
public class CheckoutSimulation extends Simulation {

    private static final int USERS = Integer.getInteger("users", 200);
    private static final Duration RAMP = Duration.ofSeconds(Long.getLong("rampSeconds", 20));

    private static final ScenarioBuilder CHECKOUTS = scenario("customers checking out")
        .exec(session -> session.set("customer", "load-" + System.nanoTime() + "-" + session.userId()))
        .exec(http("CreateCart").post("/v1/carts").body(StringBody("{\"customer_id\":\"#{customer}\"}"))
            .check(status().is(200), jsonPath("$.cartId").saveAs("cartId")))
        .exec(http("AddItem").post("/v1/carts/#{cartId}/items").body(StringBody("{\"product_id\":\"456\",\"quantity\":2}"))
            .check(status().is(200)))
        .exec(http("AddItem").post("/v1/carts/#{cartId}/items").body(StringBody("{\"product_id\":\"1001\",\"quantity\":1}"))
            .check(status().is(200)))
        .exec(http("StartCheckout").post("/v1/checkouts").body(StringBody("{\"cart_id\":\"#{cartId}\"}"))
            .check(status().is(200), jsonPath("$.checkoutId").saveAs("checkoutId")))
        .exec(http("ConfirmCheckout").post("/v1/checkouts/#{checkoutId}/confirm")
            .body(StringBody("{\"payment_method_id\":\"789\"}"))
            .check(status().is(200), jsonPath("$.orderId").exists()))
        .exec(http("GetCheckout").get("/v1/checkouts/#{checkoutId}")
            .check(status().is(200), jsonPath("$.status").is("CHECKOUT_STATUS_COMPLETED")));

    {
        setUp(CHECKOUTS.injectOpen(rampUsers(USERS).during(RAMP)))
            .protocols(CartJourney.protocol())
            .assertions(
                global().responseTime().percentile(95.0).lt(CartJourney.MAX_P95_MS),
                global().failedRequests().count().is(0L));
    }
}
