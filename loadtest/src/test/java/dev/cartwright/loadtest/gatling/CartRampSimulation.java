package dev.cartwright.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;

import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * A ramp of arriving shoppers from {@code -DfromRate} to {@code -DtoRate} visits per second over
 * {@code -DrampSeconds}: the report's "response time percentiles over time" chart shows the
 * arrival rate at which p95 crosses the bar. Assertions hold the run to the bar up to that rate.
 */
public class CartRampSimulation extends Simulation {

    private static final double FROM = Double.parseDouble(System.getProperty("fromRate", "10"));
    private static final double TO = Double.parseDouble(System.getProperty("toRate", "400"));
    private static final Duration RAMP = Duration.ofSeconds(Long.getLong("rampSeconds", 120));

    {
        setUp(CartJourney.shoppers("ramping shoppers").injectOpen(rampUsersPerSec(FROM).to(TO).during(RAMP)))
            .protocols(CartJourney.protocol())
            .assertions(
                global().responseTime().percentile(95.0).lt(CartJourney.MAX_P95_MS),
                global().failedRequests().count().is(0L));
    }
}
