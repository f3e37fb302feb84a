package dev.cartwright.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;

import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Cart browsing and editing by {@code -Dusers} concurrent shoppers (default 1000). They arrive over
 * {@code -DrampSeconds} (default 10) and each keeps visiting — create a cart, add 1 to 10 items,
 * update, apply a promotion, remove, read — on its own keep-alive connection, with
 * {@code -DthinkMs} between requests (zero allowed), for the ramp plus {@code -DdurationSeconds}
 * (default 60). So for {@code durationSeconds} all of them are active at every moment, which is
 * what the bar speaks of: a closed model, in which with no think time that many requests are
 * always in flight. The report's figures include the ramp up and down (about a quarter of the run
 * at the defaults). Fails the run when p95 reaches the bar or any request fails.
 */
public class CartSimulation extends Simulation {

    private static final int USERS = Integer.getInteger("users", 1000);
    private static final Duration RAMP = Duration.ofSeconds(Long.getLong("rampSeconds", 10));
    private static final Duration LENGTH = Duration.ofSeconds(Long.getLong("durationSeconds", 60));

    {
        setUp(CartJourney.repeatingShoppers("cart shoppers", RAMP.plus(LENGTH)).injectOpen(rampUsers(USERS).during(RAMP)))
            .protocols(CartJourney.protocol())
            .maxDuration(RAMP.multipliedBy(2).plus(LENGTH).plusSeconds(60))
            .assertions(
                global().responseTime().percentile(95.0).lt(CartJourney.MAX_P95_MS),
                global().failedRequests().count().is(0L));
    }
}
