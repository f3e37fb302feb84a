package dev.cartwright.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;

import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * A bounded soak: {@code -Dusers} shoppers (default 1000) keep visiting for {@code -DsoakMinutes}
 * (default 10). Latency drift shows in the report over time; memory and write-behind lag are on
 * the service's /metrics, which `./cartwright bench` samples during the run.
 */
public class CartSoakSimulation extends Simulation {

    private static final int USERS = Integer.getInteger("users", 1000);
    private static final Duration LENGTH = Duration.ofMinutes(Long.getLong("soakMinutes", 10));

    {
        setUp(CartJourney.repeatingShoppers("soaking shoppers", LENGTH).injectOpen(rampUsers(USERS).during(Duration.ofSeconds(30))))
            .protocols(CartJourney.protocol())
            .maxDuration(LENGTH.plusMinutes(2))
            .assertions(
                global().responseTime().percentile(95.0).lt(CartJourney.MAX_P95_MS),
                global().failedRequests().count().is(0L));
    }
}
