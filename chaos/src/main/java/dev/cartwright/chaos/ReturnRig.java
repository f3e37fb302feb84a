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
 * Everything a run against the Return Service needs, started by the suite on loopback and its own ports: the
 * neighbour simulators (in this JVM), a {@link FaultProxy} between the service and the payment neighbour, and the
 * Return Service as a process of its own on the PostgreSQL schema and Kafka topics it is given.
 */
public final class ReturnRig implements AutoCloseable {

    /** The Kafka topics of one run; the caller creates them (or lets the broker create them). */
    public record Topics(String returnEvents, String orderEvents, String pricingEvents, String warehouseEvents, String consumerGroup) {
        /** Topic names made from a run's id. */
        public static Topics of(String run) {
            return new Topics(run + ".return", run + ".order", run + ".pricing", run + ".warehouse", run + ".returns");
        }
    }

    public final Vertx vertx;
    public final PlatformSim sim;
    public final ServiceProcess service;
    public final PgTarget pg;
    public final Calls calls;
    /** Between the service and the payment neighbour: resets here cut refund calls whose outcome the service cannot know. */
    public final FaultProxy payment;

    private ReturnRig(Vertx vertx, PlatformSim sim, ServiceProcess service, PgTarget pg, Calls calls, FaultProxy payment) {
        this.vertx = vertx;
        this.sim = sim;
        this.service = service;
        this.pg = pg;
        this.calls = calls;
        this.payment = payment;
    }

    /**
     * @param extra further service settings; they win over the rig's own
     */
    public static ReturnRig start(PgTarget pg, String kafkaBootstrap, Topics topics, Path logDir, Map<String, String> extra) {
        Vertx vertx = Vertx.vertx();
        PlatformSim sim = null;
        FaultProxy payment = null;
        try {
            sim = PlatformSim.start(vertx, SimConfig.defaults().withBasePort(0).withKafkaBootstrap(kafkaBootstrap)
                .withTopics(new SimTopics(topics.orderEvents(), topics.pricingEvents(), topics.warehouseEvents())))
                .await(60, TimeUnit.SECONDS);
            payment = FaultProxy.start(vertx, Loopback.HOST, sim.port(SimService.PAYMENT));
            Map<String, String> env = new HashMap<>(pg.returnEnvironment());
            env.put("CARTWRIGHT_KAFKA_BOOTSTRAP", kafkaBootstrap);
            env.put("CARTWRIGHT_RETURN_EVENTS_TOPIC", topics.returnEvents());
            env.put("CARTWRIGHT_ORDER_EVENTS_TOPIC", topics.orderEvents());
            env.put("CARTWRIGHT_RETURN_CONSUMER_GROUP", topics.consumerGroup());
            env.put("CARTWRIGHT_ORDER_ADDR", Loopback.HOST + ":" + sim.port(SimService.ORDER));
            env.put("CARTWRIGHT_PAYMENT_ADDR", Loopback.HOST + ":" + payment.port());
            env.put("CARTWRIGHT_SHIPPING_ADDR", Loopback.HOST + ":" + sim.port(SimService.SHIPPING));
            env.put("CARTWRIGHT_WAREHOUSE_ADDR", Loopback.HOST + ":" + sim.port(SimService.WAREHOUSE));
            env.putAll(extra);
            ServiceProcess service = ServiceProcess.returns(env, logDir.resolve("returns.log"));
            return new ReturnRig(vertx, sim, service, pg, new Calls(vertx, service.grpcPort(), Duration.ofSeconds(30)), payment);
        } catch (Exception e) {
            if (payment != null) {
                payment.close();
            }
            if (sim != null) {
                sim.close();
            }
            vertx.close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        calls.close();
        service.close();
        payment.close();
        try {
            sim.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Best effort.
        }
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Best effort.
        }
    }
}
