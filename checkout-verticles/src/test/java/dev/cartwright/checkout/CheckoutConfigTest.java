package dev.cartwright.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;
import dev.cartwright.sim.SimTopics;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckoutConfigTest {

    private static CheckoutConfig read(Map<String, String> env) {
        return CheckoutConfig.read(ConfigReader.from(env));
    }

    @Test
    void defaultsAreTheDocumentedPortsLimitsAndAddresses() {
        CheckoutConfig config = read(Map.of());
        assertThat(config.port()).isEqualTo(9003);
        assertThat(config.adminPort()).isEqualTo(9013);
        // Development mode (the default) has no authentication, so it listens on loopback only.
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.limits().maxQuantityPerLine()).isEqualTo(999);
        assertThat(config.limits().maxLinesPerCart()).isEqualTo(200);
        assertThat(config.abandonAfter()).isEqualTo(Duration.ofDays(30));
        assertThat(config.defaultCurrency().getCurrencyCode()).isEqualTo("USD");
        assertThat(config.taxTable().knows(config.defaultRegion())).isTrue();
        assertThat(config.neighbours().catalog().port()).isEqualTo(9101);
        assertThat(config.neighbours().customer().port()).isEqualTo(9108);
        assertThat(config.apiInstances()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(config.auth().development()).isTrue();
        assertThat(config.drainDelay()).as("no delay when nothing balances over the process").isZero();
    }

    @Test
    void redisLanesAreOneWithoutAReplicaWaitAndEightWithOne() {
        RedisTopology single = read(Map.of()).redis();
        assertThat(single.waitReplicas()).isZero();
        assertThat(single.lanes()).isEqualTo(1);
        RedisTopology cluster = read(Map.of("CARTWRIGHT_REDIS_CLUSTER", "127.0.0.1:17000")).redis();
        assertThat(cluster.shards()).isEqualTo(3);
        assertThat(cluster.waitReplicas()).isEqualTo(1);
        assertThat(cluster.lanes()).isEqualTo(RedisTopology.DEFAULT_WAITING_LANES).isEqualTo(8);
        assertThat(read(Map.of("CARTWRIGHT_REDIS_CLUSTER", "127.0.0.1:17000", "CARTWRIGHT_REDIS_WAIT_REPLICAS", "0")).redis().lanes())
            .isEqualTo(1);
        assertThat(read(Map.of("CARTWRIGHT_REDIS_LANES", "4")).redis().lanes()).isEqualTo(4);
        assertBadKey(Map.of("CARTWRIGHT_REDIS_LANES", "0"), "CARTWRIGHT_REDIS_LANES");
        assertBadKey(Map.of("CARTWRIGHT_REDIS_LANES", "65"), "CARTWRIGHT_REDIS_LANES");
    }

    @Test
    void theDrainDelayIsReadAndBounded() {
        assertThat(read(Map.of("CARTWRIGHT_CHECKOUT_DRAIN_DELAY", "5s")).drainDelay()).isEqualTo(Duration.ofSeconds(5));
        assertBadKey(Map.of("CARTWRIGHT_CHECKOUT_DRAIN_DELAY", "16s"), "CARTWRIGHT_CHECKOUT_DRAIN_DELAY");
        assertBadKey(Map.of("CARTWRIGHT_CHECKOUT_DRAIN_DELAY", "soon"), "CARTWRIGHT_CHECKOUT_DRAIN_DELAY");
    }

    @Test
    void theIdempotencyTtlDefaultsToADayAndReachesTheCartStore() {
        CheckoutConfig defaults = read(Map.of());
        assertThat(defaults.idempotencyTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(CheckoutApplication.storeConfig(defaults, "node-1").idempotencyTtl()).isEqualTo(Duration.ofHours(24));

        CheckoutConfig hour = read(Map.of("CARTWRIGHT_CART_IDEMPOTENCY_TTL", "1h"));
        assertThat(hour.idempotencyTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(CheckoutApplication.storeConfig(hour, "node-1").idempotencyTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(read(Map.of("CARTWRIGHT_CART_IDEMPOTENCY_TTL", "PT90M")).idempotencyTtl()).isEqualTo(Duration.ofMinutes(90));
        assertThat(read(Map.of("CARTWRIGHT_CART_IDEMPOTENCY_TTL", "1m")).idempotencyTtl()).isEqualTo(Duration.ofMinutes(1));
        assertThat(read(Map.of("CARTWRIGHT_CART_IDEMPOTENCY_TTL", "30d")).idempotencyTtl()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void anIdempotencyTtlTooShortTooLongOrUnreadableIsRefusedNamingTheSetting() {
        for (String bad : new String[] {"0s", "-1h", "59s", "500ms", "31d", "3650d", "a day"}) {
            assertBadKey(Map.of("CARTWRIGHT_CART_IDEMPOTENCY_TTL", bad), "CARTWRIGHT_CART_IDEMPOTENCY_TTL");
        }
    }

    @Test
    void consumedTopicsDefaultToTheNamesTheSimulatorsPublishTo() {
        CheckoutConfig config = read(Map.of());
        assertThat(config.pricingEventsTopic()).isEqualTo(SimTopics.DEFAULT_PRICING_EVENTS);
        assertThat(config.warehouseEventsTopic()).isEqualTo(SimTopics.DEFAULT_WAREHOUSE_EVENTS);
    }

    @Test
    void overridesAreRead() {
        CheckoutConfig config = read(Map.of("CARTWRIGHT_CHECKOUT_PORT", "19003", "CARTWRIGHT_CART_MAX_QUANTITY", "50",
            "CARTWRIGHT_PRICING_ADDR", "pricing.internal:7000", "CARTWRIGHT_CART_ABANDON_AFTER", "7d",
            "CARTWRIGHT_TAX_REGIONS", "DE=inclusive:1900:food=700", "CARTWRIGHT_DEFAULT_REGION", "DE"));
        assertThat(config.port()).isEqualTo(19003);
        assertThat(config.limits().maxQuantityPerLine()).isEqualTo(50);
        assertThat(config.neighbours().pricing().host()).isEqualTo("pricing.internal");
        assertThat(config.neighbours().pricing().port()).isEqualTo(7000);
        assertThat(config.abandonAfter()).isEqualTo(Duration.ofDays(7));
        assertThat(config.taxTable().regionOrNull("DE").rateFor("food")).isEqualTo(700);
    }

    @Test
    void aBadValueStopsStartUpNamingTheKey() {
        assertBadKey(Map.of("CARTWRIGHT_CHECKOUT_PORT", "ninety"), "CARTWRIGHT_CHECKOUT_PORT");
        assertBadKey(Map.of("CARTWRIGHT_CHECKOUT_PORT", "70000"), "CARTWRIGHT_CHECKOUT_PORT");
        assertBadKey(Map.of("CARTWRIGHT_CHECKOUT_ADMIN_PORT", "9003"), "CARTWRIGHT_CHECKOUT_ADMIN_PORT");
        assertBadKey(Map.of("CARTWRIGHT_CATALOG_ADDR", "catalog"), "CARTWRIGHT_CATALOG_ADDR");
        assertBadKey(Map.of("CARTWRIGHT_WAREHOUSE_ADDR", "host:port"), "CARTWRIGHT_WAREHOUSE_ADDR");
        assertBadKey(Map.of("CARTWRIGHT_CART_MAX_LINES", "0"), "CARTWRIGHT_CART_MAX_LINES");
        assertBadKey(Map.of("CARTWRIGHT_DEFAULT_CURRENCY", "EURO"), "CARTWRIGHT_DEFAULT_CURRENCY");
        assertBadKey(Map.of("CARTWRIGHT_TAX_REGIONS", "US=sideways:5"), "CARTWRIGHT_TAX_REGIONS");
        assertBadKey(Map.of("CARTWRIGHT_DEFAULT_REGION", "MARS"), "CARTWRIGHT_DEFAULT_REGION");
        assertBadKey(Map.of("CARTWRIGHT_CART_EVENTS_TOPIC", "cart events"), "CARTWRIGHT_CART_EVENTS_TOPIC");
        assertBadKey(Map.of("CARTWRIGHT_AUTH_MODE", "jwt"), "CARTWRIGHT_JWT_KEY");
        assertBadKey(Map.of("CARTWRIGHT_REDIS_URL", "localhost:6379"), "CARTWRIGHT_REDIS_URL");
        assertBadKey(Map.of("CARTWRIGHT_NEIGHBOUR_TIMEOUT", "0s"), "CARTWRIGHT_NEIGHBOUR_TIMEOUT");
    }

    @Test
    void developmentModeRefusesToListenBeyondLoopbackAndJwtModeListensEverywhereByDefault() {
        assertBadKey(Map.of("CARTWRIGHT_CHECKOUT_HOST", "0.0.0.0"), "CARTWRIGHT_CHECKOUT_HOST");
        assertBadKey(Map.of("CARTWRIGHT_BIND_HOST", "10.1.2.3"), "CARTWRIGHT_BIND_HOST");
        assertThatThrownBy(() -> read(Map.of("CARTWRIGHT_BIND_HOST", "0.0.0.0"))).hasMessageContaining("loopback")
            .hasMessageContaining("CARTWRIGHT_AUTH_MODE=jwt");
        assertThat(read(Map.of("CARTWRIGHT_BIND_HOST", "::1")).host()).isEqualTo("::1");
        assertThat(read(Map.of("CARTWRIGHT_CHECKOUT_HOST", "localhost", "CARTWRIGHT_BIND_HOST", "127.0.0.2")).host())
            .isEqualTo("localhost");

        Map<String, String> jwt = Map.of("CARTWRIGHT_AUTH_MODE", "jwt", "CARTWRIGHT_JWT_KEY", "k".repeat(32),
            "CARTWRIGHT_JWT_ISSUER", "https://id.example", "CARTWRIGHT_JWT_AUDIENCE", "cartwright");
        assertThat(read(jwt).host()).isEqualTo("0.0.0.0");
        java.util.Map<String, String> jwtOnOneInterface = new java.util.HashMap<>(jwt);
        jwtOnOneInterface.put("CARTWRIGHT_BIND_HOST", "10.1.2.3");
        assertThat(read(jwtOnOneInterface).host()).isEqualTo("10.1.2.3");
    }

    private static void assertBadKey(Map<String, String> env, String key) {
        assertThatThrownBy(() -> read(env)).isInstanceOf(ConfigException.class)
            .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key))
            .hasMessageContaining(key);
    }
}
