package dev.cartwright.returns;

import dev.cartwright.returns.domain.ReturnWindow;
import dev.cartwright.service.kafka.TopicSettings;
import dev.cartwright.service.call.CallPolicy;
import dev.cartwright.returns.neighbours.NeighbourAddresses;
import dev.cartwright.service.auth.AuthConfig;
import dev.cartwright.service.config.BindHost;
import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;
import dev.cartwright.service.config.Endpoints;
import dev.cartwright.service.db.LegacyDbConfig;
import dev.cartwright.service.grpc.CorsPolicy;
import dev.cartwright.service.grpc.RequestLimit;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Return Service's configuration, typed and validated at start-up; a bad value fails with a message naming its
 * key. Read from defaults, then {@code CARTWRIGHT_CONFIG_FILE}, then the environment:
 * <ul>
 *   <li>{@code CARTWRIGHT_RETURN_HOST}, else {@code CARTWRIGHT_BIND_HOST} (127.0.0.1 in development mode, which accepts
 *       only loopback; 0.0.0.0 in jwt mode), {@code CARTWRIGHT_RETURN_PORT} (9004; 0 picks a free port),
 *       {@code CARTWRIGHT_RETURN_ADMIN_PORT} (9014)</li>
 *   <li>{@code CARTWRIGHT_RETURN_WINDOW} (30d), {@code CARTWRIGHT_RETURN_WINDOW_BY_CATEGORY} (e.g. {@code c3:14d,c5:60d}),
 *       {@code CARTWRIGHT_RESTOCKING_FEE_BP} (1000 = 10%, for changed_mind)</li>
 *   <li>neighbours as host:port: {@code CARTWRIGHT_ORDER_ADDR} (127.0.0.1:9107), {@code CARTWRIGHT_PAYMENT_ADDR}
 *       (:9105), {@code CARTWRIGHT_SHIPPING_ADDR} (:9106), {@code CARTWRIGHT_WAREHOUSE_ADDR} (:9104), the names the
 *       Checkout Service uses; the former {@code *_ADDRESS} names are still read, with a warning;
 *       {@code CARTWRIGHT_NEIGHBOUR_TIMEOUT} (3s), {@code CARTWRIGHT_NEIGHBOUR_RETRIES} (2)</li>
 *   <li>Kafka: {@code CARTWRIGHT_KAFKA_BOOTSTRAP}, {@code CARTWRIGHT_RETURN_EVENTS_TOPIC} (return.events),
 *       {@code CARTWRIGHT_ORDER_EVENTS_TOPIC} (order.events), {@code CARTWRIGHT_RETURN_CONSUMER_GROUP} (return-service);
 *       the return events topic is made at start-up when missing ({@link TopicSettings}:
 *       {@code CARTWRIGHT_KAFKA_TOPIC_PARTITIONS} (6), {@code CARTWRIGHT_KAFKA_TOPIC_REPLICATION} (1),
 *       {@code CARTWRIGHT_KAFKA_CREATE_TOPICS} (true))</li>
 *   <li>PostgreSQL: {@code CARTWRIGHT_PG_*}, {@code CARTWRIGHT_RETURN_DB} (return_db), {@code CARTWRIGHT_RETURN_DB_SCHEMA}
 *       (returns), {@code CARTWRIGHT_RETURN_DB_POOL} (8)</li>
 *   <li>retries: {@code CARTWRIGHT_RETURN_RETRY_BASE} (1s), {@code CARTWRIGHT_RETURN_RETRY_MAX} (5m),
 *       {@code CARTWRIGHT_RETURN_REFUND_MAX_ATTEMPTS} (50), {@code CARTWRIGHT_RETURN_WORKER_INTERVAL} (1s),
 *       {@code CARTWRIGHT_RETURN_ATTEMPT_LEASE} (30s), {@code CARTWRIGHT_RETURN_RELAY_POLL} (250ms)</li>
 *   <li>{@code CARTWRIGHT_RETURN_OUTBOX_RELAY} (true): whether this process publishes the outbox to Kafka; false for a
 *       process that only writes it while others (any number, they share the rows safely) publish</li>
 *   <li>{@code CARTWRIGHT_LEGACY_DB} (unset): the Order service's order_db, kept current by dual-write and imported from
 *       on first touch while the two systems overlap ({@link LegacyDbConfig}: {@code CARTWRIGHT_LEGACY_SCHEMA},
 *       {@code CARTWRIGHT_LEGACY_MIRROR_REPAIR_EVERY}, the migration flags {@code CARTWRIGHT_FLAGS_FILE} /
 *       {@code CARTWRIGHT_FLAG_MIGRATION_DUAL_WRITE})</li>
 *   <li>{@code CARTWRIGHT_AUTH_MODE} (development by default; jwt with {@code CARTWRIGHT_JWT_KEY} or
 *       {@code CARTWRIGHT_JWT_JWKS_URL}, {@code CARTWRIGHT_JWT_ISSUER} and {@code CARTWRIGHT_JWT_AUDIENCE})</li>
 *   <li>{@code CARTWRIGHT_CORS_ORIGINS}: the web origins whose pages may call from a browser ({@link CorsPolicy})</li>
 *   <li>{@code CARTWRIGHT_MAX_REQUESTS_IN_FLIGHT}: the most calls the process works on at once; the excess is answered
 *       UNAVAILABLE, reason OVERLOADED ({@link RequestLimit})</li>
 * </ul>
 */
public record ReturnConfig(String host, int port, int adminPort, ReturnWindow window, int restockingFeeBasisPoints,
                           NeighbourAddresses neighbours, CallPolicy callPolicy, Endpoints endpoints, String returnEventsTopic,
                           String orderEventsTopic, String consumerGroup, String database, String schema, int poolSize,
                           Duration retryBase, Duration retryMax, int maxRefundAttempts, Duration workerInterval, Duration attemptLease,
                           Duration relayPoll, boolean relayOutbox, AuthConfig auth, Optional<LegacyDbConfig> legacy,
                           CorsPolicy cors, TopicSettings topics, int maxRequestsInFlight) {

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    public static ReturnConfig read(ConfigReader config) {
        String schema = config.string("CARTWRIGHT_RETURN_DB_SCHEMA", "returns");
        if (!SCHEMA.matcher(schema).matches()) {
            throw new ConfigException("CARTWRIGHT_RETURN_DB_SCHEMA", "must be a lower-case identifier, was " + schema);
        }
        Duration window = config.duration("CARTWRIGHT_RETURN_WINDOW", Duration.ofDays(30));
        if (window.isNegative() || window.isZero()) {
            throw new ConfigException("CARTWRIGHT_RETURN_WINDOW", "must be positive");
        }
        Duration neighbourTimeout = positive(config, "CARTWRIGHT_NEIGHBOUR_TIMEOUT", Duration.ofSeconds(3));
        int retries = config.integer("CARTWRIGHT_NEIGHBOUR_RETRIES", 2, 0, 10);
        Duration retryBase = positive(config, "CARTWRIGHT_RETURN_RETRY_BASE", Duration.ofSeconds(1));
        Duration retryMax = positive(config, "CARTWRIGHT_RETURN_RETRY_MAX", Duration.ofMinutes(5));
        if (retryMax.compareTo(retryBase) < 0) {
            throw new ConfigException("CARTWRIGHT_RETURN_RETRY_MAX", "must not be shorter than CARTWRIGHT_RETURN_RETRY_BASE");
        }
        AuthConfig auth = AuthConfig.read(config, "development");
        return new ReturnConfig(
            BindHost.read(config, "CARTWRIGHT_RETURN_HOST", auth.development()).host(),
            config.integer("CARTWRIGHT_RETURN_PORT", 9004, 0, 65535),
            config.integer("CARTWRIGHT_RETURN_ADMIN_PORT", 9014, 0, 65535),
            new ReturnWindow(window, byCategory(config.string("CARTWRIGHT_RETURN_WINDOW_BY_CATEGORY", ""))),
            config.integer("CARTWRIGHT_RESTOCKING_FEE_BP", 1000, 0, 10_000),
            new NeighbourAddresses(
                address(config, "CARTWRIGHT_ORDER_ADDR", "CARTWRIGHT_ORDER_ADDRESS", "127.0.0.1:9107"),
                address(config, "CARTWRIGHT_PAYMENT_ADDR", "CARTWRIGHT_PAYMENT_ADDRESS", "127.0.0.1:9105"),
                address(config, "CARTWRIGHT_SHIPPING_ADDR", "CARTWRIGHT_SHIPPING_ADDRESS", "127.0.0.1:9106"),
                address(config, "CARTWRIGHT_WAREHOUSE_ADDR", "CARTWRIGHT_WAREHOUSE_ADDRESS", "127.0.0.1:9104")),
            new CallPolicy(neighbourTimeout, retries, Duration.ofMillis(50), Duration.ofMillis(500), 5, Duration.ofSeconds(10)),
            Endpoints.read(config),
            topic(config, "CARTWRIGHT_RETURN_EVENTS_TOPIC", "return.events"),
            topic(config, "CARTWRIGHT_ORDER_EVENTS_TOPIC", "order.events"),
            config.string("CARTWRIGHT_RETURN_CONSUMER_GROUP", "return-service"),
            config.string("CARTWRIGHT_RETURN_DB", "return_db"),
            schema,
            config.integer("CARTWRIGHT_RETURN_DB_POOL", 8, 1, 200),
            retryBase,
            retryMax,
            config.integer("CARTWRIGHT_RETURN_REFUND_MAX_ATTEMPTS", 50, 1, 10_000),
            positive(config, "CARTWRIGHT_RETURN_WORKER_INTERVAL", Duration.ofSeconds(1)),
            positive(config, "CARTWRIGHT_RETURN_ATTEMPT_LEASE", Duration.ofSeconds(30)),
            positive(config, "CARTWRIGHT_RETURN_RELAY_POLL", Duration.ofMillis(250)),
            config.bool("CARTWRIGHT_RETURN_OUTBOX_RELAY", true),
            auth,
            LegacyDbConfig.read(config),
            CorsPolicy.read(config, auth.development()),
            TopicSettings.read(config),
            RequestLimit.setting(config));
    }

    private static Duration positive(ConfigReader config, String key, Duration defaultValue) {
        Duration d = config.duration(key, defaultValue);
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException(key, "must be positive");
        }
        return d;
    }

    private static String topic(ConfigReader config, String key, String defaultValue) {
        String t = config.string(key, defaultValue);
        if (!TOPIC.matcher(t).matches()) {
            throw new ConfigException(key, "is not a valid Kafka topic name: " + t);
        }
        return t;
    }

    /** {@code key} as host:port; {@code formerKey} is its name before the services agreed on {@code *_ADDR}. */
    static SocketAddress address(ConfigReader config, String key, String formerKey, String defaultValue) {
        String raw = config.string(key, formerKey, defaultValue);
        // A bad value is reported under the name it was given as.
        key = config.string(key, "").isEmpty() && !config.string(formerKey, "").isEmpty() ? formerKey : key;
        int colon = raw.lastIndexOf(':');
        if (colon <= 0 || colon == raw.length() - 1) {
            throw new ConfigException(key, "must be host:port, was " + raw);
        }
        try {
            int port = Integer.parseInt(raw.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new ConfigException(key, "port must be between 1 and 65535, was " + port);
            }
            return SocketAddress.inetSocketAddress(port, raw.substring(0, colon));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "must be host:port, was " + raw);
        }
    }

    /** {@code c3:14d,c5:60d} → category to window. */
    static Map<String, Duration> byCategory(String raw) {
        Map<String, Duration> windows = new LinkedHashMap<>();
        if (raw.isBlank()) {
            return windows;
        }
        for (String part : raw.split(",")) {
            String entry = part.trim();
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new ConfigException("CARTWRIGHT_RETURN_WINDOW_BY_CATEGORY",
                        "expected category:duration pairs like c3:14d, got '" + entry + "'");
            }
            String category = entry.substring(0, colon).trim();
            Duration d;
            try {
                d = ConfigReader.from(Map.of("CARTWRIGHT_X", entry.substring(colon + 1).trim())).duration("CARTWRIGHT_X", Duration.ZERO);
            } catch (ConfigException e) {
                throw new ConfigException("CARTWRIGHT_RETURN_WINDOW_BY_CATEGORY", "bad duration for " + category + ": "
                    + entry.substring(colon + 1));
            }
            if (d.isNegative() || d.isZero()) {
                throw new ConfigException("CARTWRIGHT_RETURN_WINDOW_BY_CATEGORY", "window for " + category + " must be positive");
            }
            windows.put(category, d);
        }
        return windows;
    }
}
