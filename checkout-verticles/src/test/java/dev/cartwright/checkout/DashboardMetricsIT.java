package dev.cartwright.checkout;

import static dev.cartwright.checkout.CheckoutFlows.address;
import static dev.cartwright.checkout.CheckoutFlows.ok;
import static dev.cartwright.checkout.CheckoutFlows.uniqueCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.Checkout;
import dev.cartwright.testkit.DashboardMetrics;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every metric a Grafana dashboard or a Prometheus rule names (but the Return Service's own) is on the Checkout
 * Service's admin {@code /metrics} page once a cart was bought: a renamed meter fails here, not on a dark dashboard.
 */
@ExtendWith(RealServices.class)
class DashboardMetricsIT {

    @Test
    void everyMetricTheDashboardsAndAlertsNameIsOnTheMetricsPage(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        try (CheckoutHarness harness = CheckoutHarness.start(postgres, redis, kafka,
                Map.of("CARTWRIGHT_CHECKOUT_EVENTS_TOPIC", kafka.createTopic("checkout_events")))) {
            CheckoutFlows flows = new CheckoutFlows(harness, kafka);
            Cart cart = flows.cartWith(uniqueCustomer("metrics"), Map.of("456", 1));
            Checkout started = flows.started(cart.getCartId());
            flows.withAddress(started.getCheckoutId(), address("US"));
            ok(flows.confirm(started.getCheckoutId(), "pm-visa"));

            HttpClient http = harness.clientVertx.createHttpClient();
            String page = harness.exchange(() -> http.request(HttpMethod.GET, harness.service.adminPort(), "127.0.0.1", "/metrics")
                .compose(request -> request.send())
                .compose(response -> response.body())
                .map(Buffer::toString));
            Set<String> wanted = DashboardMetrics.named().stream()
                .filter(name -> !name.startsWith("cartwright_returns_"))
                .collect(Collectors.toCollection(java.util.TreeSet::new));

            assertThat(wanted).contains("cartwright_rpc_seconds_bucket", "cartwright_writebehind_oldest_age_seconds");
            assertThat(DashboardMetrics.exposed(page)).containsAll(wanted);
        }
    }
}
