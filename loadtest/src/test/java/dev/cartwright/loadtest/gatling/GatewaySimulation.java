package dev.cartwright.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.UUID;

/**
 * Shoppers through the gateway (`./cartwright start`, default {@code -DbaseUrl=http://127.0.0.1:9000}): each visit is a
 * signed-in customer of its own ({@code x-customer-id}), who creates a cart, adds three products and reads the cart —
 * calls both sides serve, so the run works at any share and while `./cartwright rollout` moves it. Every answer must
 * name the side that served it ({@code x-cartwright-side}); the report's request names carry no side, so compare
 * the gateway's per-side metrics (RUNBOOK.md) for the split. {@code -Dusers} (default 200), {@code -DrampSeconds}
 * (10), {@code -DdurationSeconds} (60), {@code -DthinkMs} (200).
 */
public class GatewaySimulation extends Simulation {

    private static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:9000");
    private static final int USERS = Integer.getInteger("users", 200);
    private static final Duration RAMP = Duration.ofSeconds(Long.getLong("rampSeconds", 10));
    private static final Duration LENGTH = Duration.ofSeconds(Long.getLong("durationSeconds", 60));
    private static final Duration THINK = Duration.ofMillis(Long.getLong("thinkMs", 200));

    private static ChainBuilder visit() {
        ChainBuilder visit = exec(session -> session.set("customer", "gatling-" + UUID.randomUUID()))
            .exec(http("CreateCart").post("/v1/carts").header("x-customer-id", "#{customer}")
                .body(StringBody("{\"customer_id\":\"#{customer}\",\"currency_code\":\"USD\"}"))
                .check(status().is(200), header("x-cartwright-side").exists(), jsonPath("$.cartId").saveAs("cartId")));
        for (String product : new String[] {"456", "1001", "1002"}) {
            visit = visit.pause(THINK).exec(http("AddItem").post("/v1/carts/#{cartId}/items").header("x-customer-id", "#{customer}")
                .body(StringBody("{\"product_id\":\"" + product + "\",\"quantity\":1}"))
                .check(status().is(200), header("x-cartwright-side").exists()));
        }
        return visit.pause(THINK).exec(http("GetCart").get("/v1/carts/#{cartId}").header("x-customer-id", "#{customer}")
            .check(status().is(200), jsonPath("$.version").exists()));
    }

    {
        setUp(scenario("shoppers through the gateway").during(RAMP.plus(LENGTH)).on(exec(visit()))
                .injectOpen(rampUsers(USERS).during(RAMP)))
            .protocols(http.baseUrl(BASE_URL).contentTypeHeader("application/json").acceptHeader("application/json"))
            .maxDuration(RAMP.multipliedBy(2).plus(LENGTH).plusSeconds(60))
            .assertions(global().failedRequests().count().is(0L));
    }
}
