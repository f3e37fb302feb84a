package dev.cartwright.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;

import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Cart browsing and editing: {@code -Dusers} shoppers (default 1000) each make one visit,
 * arriving over {@code -DrampSeconds}. Fails the run when p95 reaches the bar or any request fails.
 */
public class CartSimulation extends Simulation {

    private static final int USERS = Integer.getInteger("users", 1000);
    private static final Duration RAMP = Duration.ofSeconds(Long.getLong("rampSeconds", 10));

    {
        setUp(CartJourney.shoppers("cart shoppers").injectOpen(rampUsers(USERS).during(RAMP)))
            .protocols(CartJourney.protocol())
            .assertions(
                global().responseTime().percentile(95.0).lt(CartJourney.MAX_P95_MS),
                global().failedRequests().count().is(0L));
    }
}
