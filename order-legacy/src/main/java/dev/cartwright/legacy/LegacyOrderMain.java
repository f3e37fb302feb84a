package dev.cartwright.legacy;

import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Order service's storefront endpoints as a process: prints {@code ORDER SERVICE READY grpc=host:port} once it
 * listens, and stops on SIGTERM.
 */
public final class LegacyOrderMain {

    private LegacyOrderMain() {
    }

    public static void main(String[] args) {
        // Our own logging setup, under a name no test classpath picks up by accident.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "order-legacy-logback.xml");
        }
        Logger log = LoggerFactory.getLogger(LegacyOrderMain.class);
        LegacyOrderConfig config;
        try {
            config = LegacyOrderConfig.read(ConfigReader.fromEnvironment());
        } catch (ConfigException e) {
            System.err.println("Order service cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        Vertx vertx = Vertx.vertx();
        LegacyOrderService.start(vertx, config).onSuccess(service -> {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    service.close().eventually(vertx::close).await(15, TimeUnit.SECONDS);
                } catch (Exception e) {
                    log.warn("the Order service did not stop cleanly: {}", e.toString());
                }
            }, "order-service-shutdown"));
            log.info("ORDER SERVICE READY grpc={}:{} order_db={} schema={}", config.host(), service.port(), config.database(),
                    config.schema());
        }).onFailure(e -> {
            log.error("the Order service could not start: {}", e.getMessage(), e);
            vertx.close().onComplete(closed -> System.exit(1));
        });
    }
}
