package dev.cartwright.chaos;

import dev.cartwright.sim.PlatformSim;
import dev.cartwright.sim.SimConfig;
import dev.cartwright.sim.SimService;
import dev.cartwright.sim.SimTopics;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Everything one fault run needs, started by the suite itself on loopback and its own ports: a redis-server with
 * AOF always, the neighbour simulators (in this JVM), and the Checkout Service as a process of its own, pointed at the
 * PostgreSQL schema and Kafka topics it is given.
 */
public final class ChaosRig implements AutoCloseable {

    /** The Kafka topics of one run; the caller creates them. */
    public record Topics(String cartEvents, String orderEvents, String pricingEvents, String warehouseEvents, String catalogEvents,
                         String promotionEvents) {
    }

    public final Vertx vertx;
    public final OwnRedis redis;
    public final PlatformSim sim;
    public final ServiceProcess service;
    public final PgTarget pg;
    public final String kafkaBootstrap;
    public final Topics topics;
    public final Calls calls;
    /** Fault proxies between the service and Redis, PostgreSQL and the pricing neighbour; null when not asked for. */
    public final Proxies proxies;

    /** The fault proxies of a rig started with them. */
    public record Proxies(FaultProxy redis, FaultProxy postgres, FaultProxy pricing) {
        void close() {
            redis.close();
            postgres.close();
            pricing.close();
        }
    }

    private ChaosRig(Vertx vertx, OwnRedis redis, PlatformSim sim, ServiceProcess service, PgTarget pg, String kafkaBootstrap,
                     Topics topics, Calls calls, Proxies proxies) {
        this.vertx = vertx;
        this.redis = redis;
        this.sim = sim;
        this.service = service;
        this.pg = pg;
        this.kafkaBootstrap = kafkaBootstrap;
        this.topics = topics;
        this.calls = calls;
        this.proxies = proxies;
    }

    /**
     * @param extra further service settings; they win over the rig's own (a fault proxy's address for a neighbour, say)
     */
    public static ChaosRig start(PgTarget pg, String kafkaBootstrap, Topics topics, Path logDir, Map<String, String> extra) {
        return start(pg, kafkaBootstrap, topics, logDir, extra, false);
    }

    /** As above; with {@code proxied}, the service reaches Redis, PostgreSQL and pricing through {@link FaultProxy}s. */
    public static ChaosRig start(PgTarget pg, String kafkaBootstrap, Topics topics, Path logDir, Map<String, String> extra,
                                 boolean proxied) {
        Vertx vertx = Vertx.vertx();
        OwnRedis redis = null;
        PlatformSim sim = null;
        try {
            redis = OwnRedis.start();
            sim = PlatformSim.start(vertx, SimConfig.defaults().withBasePort(0).withKafkaBootstrap(kafkaBootstrap)
                .withTopics(new SimTopics(topics.orderEvents(), topics.pricingEvents(), topics.warehouseEvents())))
                .await(60, TimeUnit.SECONDS);
            Map<String, String> env = new HashMap<>(pg.environment());
            env.put("CARTWRIGHT_REDIS_URL", redis.url());
            env.put("CARTWRIGHT_KAFKA_BOOTSTRAP", kafkaBootstrap);
            env.put("CARTWRIGHT_CART_EVENTS_TOPIC", topics.cartEvents());
            env.put("CARTWRIGHT_PRICING_EVENTS_TOPIC", topics.pricingEvents());
            env.put("CARTWRIGHT_WAREHOUSE_EVENTS_TOPIC", topics.warehouseEvents());
            env.put("CARTWRIGHT_CATALOG_EVENTS_TOPIC", topics.catalogEvents());
            env.put("CARTWRIGHT_PROMOTION_EVENTS_TOPIC", topics.promotionEvents());
            env.put("CARTWRIGHT_CHECKOUT_INSTANCES", "2");
            for (SimService neighbour : SimService.values()) {
                String key = "CARTWRIGHT_" + neighbour.name() + "_ADDR";
                env.put(key, Loopback.HOST + ":" + sim.port(neighbour));
            }
            Proxies proxies = null;
            if (proxied) {
                proxies = new Proxies(FaultProxy.start(vertx, Loopback.HOST, redis.port()), FaultProxy.start(vertx, pg.host(), pg.port()),
                    FaultProxy.start(vertx, Loopback.HOST, sim.port(SimService.PRICING)));
                env.put("CARTWRIGHT_REDIS_URL", "redis://" + Loopback.HOST + ":" + proxies.redis().port());
                env.put("CARTWRIGHT_PG_HOST", Loopback.HOST);
                env.put("CARTWRIGHT_PG_PORT", Integer.toString(proxies.postgres().port()));
                env.put("CARTWRIGHT_PRICING_ADDR", Loopback.HOST + ":" + proxies.pricing().port());
            }
            env.putAll(extra);
            ServiceProcess service = ServiceProcess.start(env, logDir.resolve("checkout.log"));
            return new ChaosRig(vertx, redis, sim, service, pg, kafkaBootstrap, topics,
                new Calls(vertx, service.grpcPort(), Duration.ofSeconds(10)), proxies);
        } catch (Exception e) {
            if (sim != null) {
                sim.close();
            }
            if (redis != null) {
                redis.close();
            }
            vertx.close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /** The ledger checker for this rig's stores. */
    public LedgerCheck check(Ledger ledger) {
        return new LedgerCheck(ledger, Loopback.HOST, redis.port(), "", pg, kafkaBootstrap, topics.cartEvents());
    }

    @Override
    public void close() {
        calls.close();
        service.close();
        if (proxies != null) {
            proxies.close();
        }
        try {
            sim.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Best effort.
        }
        redis.close();
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Best effort.
        }
    }
}
