package dev.cartwright.sim;

import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code platform-sim.jar} entry point used by {@code ./cartwright start}: reads {@code CARTWRIGHT_SIM_*} (see
 * {@link SimConfig#fromEnvironment}), starts the simulated platform, logs {@code PLATFORM SIM READY} with every port
 * once all servers listen, and stops cleanly on SIGTERM / Ctrl-C. Exit status 2 means a bad configuration value,
 * 1 a failed start.
 */
public final class PlatformSimMain {

    private PlatformSimMain() {
    }

    public static void main(String[] args) {
        // Our own logging setup, under a name no test classpath of a module using this one will pick up by accident.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "platform-sim-logback.xml");
        }
        Logger log = LoggerFactory.getLogger(PlatformSimMain.class);
        SimConfig config;
        try {
            config = SimConfig.fromEnvironment(System.getenv(), Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            System.err.println("platform-sim: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        Vertx vertx = Vertx.vertx();
        AtomicReference<PlatformSim> running = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(vertx, running.get(), log), "platform-sim-shutdown"));
        long deliveryDelay;
        try {
            deliveryDelay = Long.parseLong(System.getenv().getOrDefault("CARTWRIGHT_SIM_DELIVERY_DELAY_MS", "0"));
        } catch (NumberFormatException e) {
            System.err.println("platform-sim: bad configuration: CARTWRIGHT_SIM_DELIVERY_DELAY_MS must be milliseconds");
            System.exit(2);
            return;
        }
        PlatformSim.start(vertx, config)
            .onSuccess(sim -> {
                // Auto-delivered orders ship half-way through the delay and are delivered at its end (0: at once).
                sim.order().deliveryDelay(java.time.Duration.ofMillis(Math.max(0, deliveryDelay)));
                running.set(sim);
                log.info("PLATFORM SIM READY {}", readyLine(sim));
            })
            .onFailure(e -> {
                log.error("platform-sim could not start: {}", e.getMessage(), e);
                vertx.close().onComplete(ignored -> System.exit(1));
            });
    }

    /** "catalog=9101 pricing=9102 ... admin=9100 kafka=off demoOrder=ord-..." */
    static String readyLine(PlatformSim sim) {
        StringBuilder line = new StringBuilder();
        Map<SimService, Integer> ports = new TreeMap<>(sim.ports());
        ports.forEach((service, port) -> line.append(service.key()).append('=').append(port).append(' '));
        line.append("admin=").append(sim.adminPort());
        line.append(" host=").append(sim.config().host());
        line.append(" kafka=").append(sim.publishesEvents() ? sim.config().kafkaBootstrap() : "off");
        line.append(" autoDeliver=").append(sim.order().autoDeliver());
        line.append(" products=").append(sim.catalogue().size());
        sim.demoOrder().ifPresent(order -> line.append(" demoOrder=").append(order.getOrderId()));
        return line.toString();
    }

    private static void stop(Vertx vertx, PlatformSim sim, Logger log) {
        log.info("platform-sim stopping");
        Future<Void> closing = sim == null ? Future.succeededFuture() : sim.close();
        try {
            closing.transform(ignored -> vertx.close()).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
            log.info("platform-sim stopped");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("platform-sim did not stop cleanly: {}", e.toString());
        }
    }
}
