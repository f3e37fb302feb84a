package dev.cartwright.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.service.config.ConfigReader;
import dev.cartwright.service.runtime.ServiceRuntime;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.Future;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the Checkout Service checks before it takes traffic, and refuses to start on, with a message naming what to
 * set: a Redis that may lose acknowledged cart changes (production only), and a configured limit the schema's CHECK
 * would refuse. The neighbours are not running here: the checks come before anything needs them.
 */
@ExtendWith(RealServices.class)
class StartupChecksIT {

    private static Map<String, String> env(PostgresInfo postgres, RedisInfo redis, String redisUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("CARTWRIGHT_PG_HOST", postgres.host());
        env.put("CARTWRIGHT_PG_PORT", Integer.toString(postgres.port()));
        env.put("CARTWRIGHT_PG_USER", postgres.user());
        env.put("CARTWRIGHT_PG_PASSWORD", postgres.password());
        env.put("CARTWRIGHT_CHECKOUT_DB", postgres.database());
        env.put("CARTWRIGHT_CHECKOUT_SCHEMA", postgres.freshSchema("startup"));
        env.put("CARTWRIGHT_REDIS_URL", redisUrl);
        env.put("CARTWRIGHT_REDIS_KEY_PREFIX", redis.keyPrefix());
        env.put("CARTWRIGHT_CART_CHANGES_STREAM", redis.key("cart-changes"));
        env.put("CARTWRIGHT_CHECKOUT_HOST", "127.0.0.1");
        env.put("CARTWRIGHT_CHECKOUT_PORT", "0");
        env.put("CARTWRIGHT_CHECKOUT_ADMIN_PORT", "0");
        env.put("CARTWRIGHT_CHECKOUT_INSTANCES", "1");
        int nowhere = closedPort();
        for (String neighbour : new String[] {"CATALOG", "PRICING", "PROMOTION", "WAREHOUSE", "PAYMENT", "SHIPPING", "ORDER", "CUSTOMER"}) {
            env.put("CARTWRIGHT_" + neighbour + "_ADDR", "127.0.0.1:" + nowhere);
        }
        return env;
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts the service and returns why it did not start; fails the test if it did. */
    private static Throwable startFailure(Map<String, String> env) {
        ServiceRuntime runtime = ServiceRuntime.create("checkout-startup-it");
        try {
            CheckoutConfig config = CheckoutConfig.read(ConfigReader.from(env));
            Future<CheckoutApplication> started = CheckoutApplication.start(runtime, config, Clock.systemUTC());
            try {
                CheckoutApplication service = started.await(120, TimeUnit.SECONDS);
                service.stop().await(30, TimeUnit.SECONDS);
                throw new AssertionError("the service started");
            } catch (AssertionError itStarted) {
                throw itStarted;
            } catch (Exception e) {
                return e;
            }
        } finally {
            try {
                runtime.vertx().close().await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Closing is best effort.
            }
        }
    }

    @Test
    void productionRefusesARedisThatMayEvictOrForgetChangesAndSaysWhatToSet(PostgresInfo postgres, RedisInfo redis) {
        try (PrivateRedis risky = PrivateRedis.start("--appendonly", "no", "--maxmemory-policy", "allkeys-lru")) {
            Map<String, String> env = env(postgres, redis, risky.url());
            env.put("CARTWRIGHT_AUTH_MODE", "jwt");
            env.put("CARTWRIGHT_JWT_KEY", "startup-checks-secret-startup-checks-secret");
            env.put("CARTWRIGHT_JWT_ISSUER", "https://issuer.example");
            env.put("CARTWRIGHT_JWT_AUDIENCE", "checkout");

            Throwable failure = startFailure(env);

            assertThat(failure).hasMessageContaining("maxmemory-policy noeviction").hasMessageContaining("appendonly yes")
                .hasMessageContaining("CARTWRIGHT_REDIS_CHECK");
        }
    }

    @Test
    void aMaximumQuantityAboveTheSchemasCheckStopsStartUpNamingTheKeyAndTheBound(PostgresInfo postgres, RedisInfo redis) {
        Map<String, String> env = env(postgres, redis, redis.url());
        env.put("CARTWRIGHT_REDIS_CHECK", "warn");
        env.put("CARTWRIGHT_CART_MAX_QUANTITY", "5000");

        Throwable failure = startFailure(env);

        assertThat(failure).hasMessageContaining("CARTWRIGHT_CART_MAX_QUANTITY").hasMessageContaining("5000")
            .hasMessageContaining("999").hasMessageContaining("cart_items");
    }
}
