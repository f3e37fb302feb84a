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

    private ChaosRig(Vertx vertx, OwnRedis redis, PlatformSim sim, ServiceProcess service, PgTarget pg, String kafkaBootstrap,
                     Topics topics, Calls calls) {
        this.vertx = vertx;
        this.redis = redis;
        this.sim = sim;
        this.service = service;
        this.pg = pg;
        this.kafkaBootstrap = kafkaBootstrap;
        this.topics = topics;
        this.calls = calls;
    }

    /**
     * @param extra further service settings; they win over the rig's own (a fault proxy's address for a neighbour, say)
     */
    public static ChaosRig start(PgTarget pg, String kafkaBootstrap, Topics topics, Path logDir, Map<String, String> extra) {
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
            env.putAll(extra);
            ServiceProcess service = ServiceProcess.start(env, logDir.resolve("checkout.log"));
            return new ChaosRig(vertx, redis, sim, service, pg, kafkaBootstrap, topics,
                new Calls(vertx, service.grpcPort(), Duration.ofSeconds(10)));
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
