package dev.cartwright.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;

import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * A bounded soak: {@code -Dusers} shoppers (default 1000) keep visiting for {@code -DsoakMinutes}
 * (default 10), with the think time of {@code -DthinkMs} (see {@link CartJourney}). {@code ./cartwright soak}
 * runs it and samples memory, stream length and lags from the service meanwhile, and reads the latency per
 * interval from the simulation log afterwards (scripts/soak.sh).
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
