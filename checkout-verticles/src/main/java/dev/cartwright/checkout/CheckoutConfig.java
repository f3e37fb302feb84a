package dev.cartwright.checkout;

import dev.cartwright.cart.store.RedisDurabilityCheck;
import dev.cartwright.checkout.neighbours.NeighbourAddresses;
import dev.cartwright.service.call.CallPolicy;
import dev.cartwright.checkout.catalogue.TaxRules;
import dev.cartwright.checkout.saga.SagaSettings;
import dev.cartwright.pricing.CartLimits;
import dev.cartwright.pricing.TaxTable;
import dev.cartwright.service.auth.AuthConfig;
import dev.cartwright.service.config.BindHost;
import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;
import dev.cartwright.service.config.Endpoints;
import dev.cartwright.service.db.LegacyDbConfig;
import dev.cartwright.service.grpc.CorsPolicy;
import dev.cartwright.service.grpc.RequestLimit;
import dev.cartwright.service.kafka.TopicSettings;
import java.time.Duration;
import java.util.Currency;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Owns every setting of the Checkout Service process, typed and checked once at start-up: a bad value stops
 * the process with a message naming the key ({@link ConfigException}), never a surprise at the first request.
 *
 * @param host                 interface the service and admin ports bind to ({@link BindHost}: loopback only in development mode)
 * @param port                 gRPC, gRPC-Web and HTTP/JSON port
 * @param adminPort            /health and /metrics
 * @param apiInstances         event-loop verticle instances sharing {@code port} (reusePort)
 * @param endpoints            PostgreSQL, Redis, Kafka addresses
 * @param database             the PostgreSQL database of the service
 * @param schema               the schema inside {@code database}
 * @param pgPoolSize           connections of the reactive PostgreSQL pool
 * @param redisPoolSize        connections of the Redis pool
 * @param redisKeyPrefix       prepended to every cart key in Redis ("" in production; lets deployments share a server)
 * @param auth                 how callers are authenticated
 * @param neighbours           where the neighbour services listen
 * @param neighbourTimeout     the longest one neighbour call may take
 * @param neighbourMaxFailures failures in a row that open a neighbour's circuit breaker
 * @param neighbourReset       how long an open breaker waits before letting a trial call through
 * @param neighbourRetries     extra attempts of an idempotent read after a transient failure
 * @param limits               quantity and line limits of one cart
 * @param idleTtl              how long an untouched cart stays hot in Redis
 * @param abandonAfter         idle time after which a cart is marked abandoned
 * @param sweepEvery           how often the abandonment sweeper runs
 * @param idempotencyTtl       how long the reply to a cart request with an idempotency key is remembered in Redis
 *                             ({@code CARTWRIGHT_CART_IDEMPOTENCY_TTL}, between {@link #MIN_IDEMPOTENCY_TTL} and
 *                             {@link #MAX_IDEMPOTENCY_TTL}); the records' share of Redis memory grows with it
 * @param defaultCurrency      the currency carts are priced in (the price book's currency)
 * @param defaultRegion        the tax region of a cart created without one
 * @param taxTable             tax rules by region
 * @param cartChangesStream    the Redis stream of cart changes (the outbox of cart events)
 * @param cartEventsTopic      the Kafka topic cart events are published to
 * @param pricingEventsTopic   price.changed events consumed
 * @param warehouseEventsTopic stock.changed events consumed
 * @param catalogEventsTopic   product.changed events consumed
 * @param promotionEventsTopic promotion.changed events consumed
 * @param checkouts            checkouts and their confirm saga: events topic, reservation TTL, saga lease and recovery
 * @param redisCheck           what start-up does about a Redis that may lose acknowledged cart changes
 *                             ({@code CARTWRIGHT_REDIS_CHECK}: auto, warn, skip; see {@link RedisDurabilityCheck})
 * @param legacy               order_db, kept current by dual-write and imported from on first touch; empty unless
 *                             {@code CARTWRIGHT_LEGACY_DB} is set ({@link LegacyDbConfig})
 * @param cors                 the web origins whose pages may call from a browser ({@code CARTWRIGHT_CORS_ORIGINS},
 *                             {@link CorsPolicy})
 * @param drainDelay           how long a stopping process keeps serving while its readiness already says NOT_SERVING, so that
 *                             the gateway's or Kubernetes' health checks take it out of rotation before it stops accepting
 *                             ({@code CARTWRIGHT_CHECKOUT_DRAIN_DELAY}; 0 when nothing balances over it)
 * @param topics               partitions and replication of the topics the service publishes to (cart and checkout
 *                             events), made at start-up when missing ({@link TopicSettings})
 * @param redis                one Redis or a Redis Cluster, and how many change streams ({@link RedisTopology})
 * @param maxRequestsInFlight  the most calls the process works on at once; the excess is answered UNAVAILABLE, reason
 *                             OVERLOADED ({@code CARTWRIGHT_MAX_REQUESTS_IN_FLIGHT}, {@link RequestLimit})
 */
public record CheckoutConfig(
    String host,
    int port,
    int adminPort,
    int apiInstances,
    Endpoints endpoints,
    String database,
    String schema,
    int pgPoolSize,
    int redisPoolSize,
    String redisKeyPrefix,
    AuthConfig auth,
    NeighbourAddresses neighbours,
    Duration neighbourTimeout,
    int neighbourMaxFailures,
    Duration neighbourReset,
    int neighbourRetries,
    CartLimits limits,
    Duration idleTtl,
    Duration abandonAfter,
    Duration sweepEvery,
    Duration idempotencyTtl,
    Currency defaultCurrency,
    String defaultRegion,
    TaxTable taxTable,
    String cartChangesStream,
    String cartEventsTopic,
    String pricingEventsTopic,
    String warehouseEventsTopic,
    String catalogEventsTopic,
    String promotionEventsTopic,
    SagaSettings checkouts,
    RedisDurabilityCheck.Mode redisCheck,
    Optional<LegacyDbConfig> legacy,
    CorsPolicy cors,
    Duration drainDelay,
    TopicSettings topics,
    RedisTopology redis,
    int maxRequestsInFlight) {

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    /** Within Kubernetes' 30 s grace period, with the drain of calls in flight after it. */
    private static final Duration MAX_DRAIN_DELAY = Duration.ofSeconds(15);
    /** Shorter would forget a key while a client may still be retrying the request it protects. */
    public static final Duration MIN_IDEMPOTENCY_TTL = Duration.ofMinutes(1);
    /** Longer is a typo more likely than a need; the key count also reads one counter per hour of it. */
    public static final Duration MAX_IDEMPOTENCY_TTL = Duration.ofDays(30);

    /** Reads and validates everything; throws {@link ConfigException} naming the first bad key. */
    /** The guarded-call policy of every neighbour call (deadline, retries with jitter, breaker). */
    public CallPolicy neighbourPolicy() {
        return CallPolicy.of(neighbourTimeout, neighbourRetries, neighbourMaxFailures, neighbourReset);
    }

    public static CheckoutConfig read(ConfigReader config) {
        AuthConfig auth = AuthConfig.read(config, "development");
        String host = BindHost.read(config, "CARTWRIGHT_CHECKOUT_HOST", auth.development()).host();
        int port = config.integer("CARTWRIGHT_CHECKOUT_PORT", 9003, 0, 65535);
        int adminPort = config.integer("CARTWRIGHT_CHECKOUT_ADMIN_PORT", 9013, 0, 65535);
        if (port != 0 && port == adminPort) {
            throw new ConfigException("CARTWRIGHT_CHECKOUT_ADMIN_PORT", "must differ from CARTWRIGHT_CHECKOUT_PORT (" + port + ")");
        }
        int instances = config.integer("CARTWRIGHT_CHECKOUT_INSTANCES", Runtime.getRuntime().availableProcessors(), 1, 256);
        Endpoints endpoints = Endpoints.read(config);
        String database = config.string("CARTWRIGHT_CHECKOUT_DB", "checkout_db");
        String schema = config.string("CARTWRIGHT_CHECKOUT_SCHEMA", "checkout");
        if (!SCHEMA.matcher(schema).matches()) {
            throw new ConfigException("CARTWRIGHT_CHECKOUT_SCHEMA", "must be a plain lower-case identifier, was " + schema);
        }
        if (!SCHEMA.matcher(database).matches()) {
            throw new ConfigException("CARTWRIGHT_CHECKOUT_DB", "must be a plain lower-case identifier, was " + database);
        }
        int pgPool = config.integer("CARTWRIGHT_CHECKOUT_PG_POOL", 8, 1, 512);
        int redisPool = config.integer("CARTWRIGHT_CHECKOUT_REDIS_POOL", 16, 1, 1024);
        if (!endpoints.redisUrl().startsWith("redis://") && !endpoints.redisUrl().startsWith("rediss://")) {
            throw new ConfigException("CARTWRIGHT_REDIS_URL", "must start with redis:// or rediss://, was " + endpoints.redisUrl());
        }
        NeighbourAddresses neighbours = NeighbourAddresses.read(config);
        Duration timeout = positive(config, "CARTWRIGHT_NEIGHBOUR_TIMEOUT", Duration.ofSeconds(2));
        int maxFailures = config.integer("CARTWRIGHT_NEIGHBOUR_MAX_FAILURES", 5, 1, 1000);
        Duration reset = positive(config, "CARTWRIGHT_NEIGHBOUR_RESET", Duration.ofSeconds(10));
        int retries = config.integer("CARTWRIGHT_NEIGHBOUR_RETRIES", 2, 0, 10);
        int maxQuantity = config.integer("CARTWRIGHT_CART_MAX_QUANTITY", 999, 1, 1_000_000);
        int maxLines = config.integer("CARTWRIGHT_CART_MAX_LINES", 200, 1, 10_000);
        Duration idleTtl = positive(config, "CARTWRIGHT_CART_IDLE_TTL", Duration.ofDays(7));
        Duration abandonAfter = positive(config, "CARTWRIGHT_CART_ABANDON_AFTER", Duration.ofDays(30));
        Duration sweepEvery = positive(config, "CARTWRIGHT_CART_SWEEP_EVERY", Duration.ofMinutes(5));
        Duration idempotencyTtl = config.duration("CARTWRIGHT_CART_IDEMPOTENCY_TTL", Duration.ofHours(24));
        if (idempotencyTtl.compareTo(MIN_IDEMPOTENCY_TTL) < 0 || idempotencyTtl.compareTo(MAX_IDEMPOTENCY_TTL) > 0) {
            throw new ConfigException("CARTWRIGHT_CART_IDEMPOTENCY_TTL", "must lie between " + MIN_IDEMPOTENCY_TTL.toMinutes() + "m and "
                + MAX_IDEMPOTENCY_TTL.toDays() + "d (long enough for a client's retries), was " + idempotencyTtl);
        }
        Currency currency = currency(config.string("CARTWRIGHT_DEFAULT_CURRENCY", "USD"));
        TaxTable taxTable = TaxRules.parse("CARTWRIGHT_TAX_REGIONS", config.string("CARTWRIGHT_TAX_REGIONS", TaxRules.DEFAULT));
        String region = config.string("CARTWRIGHT_DEFAULT_REGION", "US-CA");
        if (!taxTable.knows(region)) {
            throw new ConfigException("CARTWRIGHT_DEFAULT_REGION", "no tax rules for " + region + " in CARTWRIGHT_TAX_REGIONS "
                + taxTable.regions());
        }
        String keyPrefix = config.string("CARTWRIGHT_REDIS_KEY_PREFIX", "");
        if (keyPrefix.contains(" ") || keyPrefix.contains("{") || keyPrefix.contains("}")) {
            throw new ConfigException("CARTWRIGHT_REDIS_KEY_PREFIX", "must not contain spaces or braces, was '" + keyPrefix + "'");
        }
        Duration drainDelay = config.duration("CARTWRIGHT_CHECKOUT_DRAIN_DELAY", Duration.ZERO);
        if (drainDelay.isNegative() || drainDelay.compareTo(MAX_DRAIN_DELAY) > 0) {
            throw new ConfigException("CARTWRIGHT_CHECKOUT_DRAIN_DELAY", "must lie between 0s and " + MAX_DRAIN_DELAY.toSeconds()
                + "s, was " + drainDelay);
        }
        return new CheckoutConfig(host, port, adminPort, instances, endpoints, database, schema, pgPool, redisPool, keyPrefix, auth,
            neighbours, timeout, maxFailures, reset, retries, new CartLimits(1, maxQuantity, maxLines), idleTtl, abandonAfter,
            sweepEvery, idempotencyTtl, currency, region, taxTable,
            config.string("CARTWRIGHT_CART_CHANGES_STREAM", "cartwright:cart-changes"),
            topic(config, "CARTWRIGHT_CART_EVENTS_TOPIC", "cart.events"),
            topic(config, "CARTWRIGHT_PRICING_EVENTS_TOPIC", "pricing.events"),
            topic(config, "CARTWRIGHT_WAREHOUSE_EVENTS_TOPIC", "warehouse.events"),
            topic(config, "CARTWRIGHT_CATALOG_EVENTS_TOPIC", "catalog.events"),
            topic(config, "CARTWRIGHT_PROMOTION_EVENTS_TOPIC", "promotion.events"),
            SagaSettings.read(config),
            redisCheck(config.string("CARTWRIGHT_REDIS_CHECK", "auto")),
            LegacyDbConfig.read(config),
            CorsPolicy.read(config, auth.development()),
            drainDelay,
            TopicSettings.read(config),
            RedisTopology.read(config),
            RequestLimit.setting(config));
    }

    private static RedisDurabilityCheck.Mode redisCheck(String value) {
        return RedisDurabilityCheck.Mode.parse(value).orElseThrow(() -> new ConfigException("CARTWRIGHT_REDIS_CHECK",
            "must be auto (refuse a Redis without noeviction and AOF in production), warn or skip, was " + value));
    }

    private static Duration positive(ConfigReader config, String key, Duration defaultValue) {
        Duration d = config.duration(key, defaultValue);
        if (d.isZero() || d.isNegative()) {
            throw new ConfigException(key, "must be positive, was " + d);
        }
        return d;
    }

    private static Currency currency(String code) {
        try {
            if (code.length() != 3) {
                throw new IllegalArgumentException("three letters expected");
            }
            return Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("CARTWRIGHT_DEFAULT_CURRENCY", "not an ISO 4217 currency code: " + code);
        }
    }

    private static String topic(ConfigReader config, String key, String defaultValue) {
        String topic = config.string(key, defaultValue);
        if (!TOPIC.matcher(topic).matches()) {
            throw new ConfigException(key, "not a valid Kafka topic name: " + topic);
        }
        return topic;
    }
}
