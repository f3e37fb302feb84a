package dev.cartwright.checkout;

import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;
import dev.cartwright.service.logging.StopLoggingLast;
import dev.cartwright.service.runtime.ServiceRuntime;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Checkout Service process: reads the configuration (environment, or the file named by
 * {@code CARTWRIGHT_CONFIG_FILE}), starts {@link CheckoutApplication}, prints one {@code CHECKOUT READY} line, and
 * shuts down cleanly on SIGTERM (verticles undeployed, clients closed).
 */
public final class CheckoutMain {

    private static final Logger LOG = LoggerFactory.getLogger(CheckoutMain.class);

    private CheckoutMain() {
    }

    public static void main(String[] args) {
        CheckoutConfig config;
        try {
            config = CheckoutConfig.read(ConfigReader.fromEnvironment());
            ServiceRuntime.checkSettings(System.getenv()); // a bad value stops the start here, with the others
        } catch (ConfigException e) {
            LOG.error("event=bad_configuration key={} message=\"{}\"", e.key(), e.getMessage());
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        // Vert.x's threads keep the process alive once main returns; nothing here waits for the start.
        ServiceRuntime runtime = ServiceRuntime.create("checkout");
        CheckoutApplication.start(runtime, config, Clock.systemUTC())
            .onSuccess(service -> announce(service, runtime, config))
            .onFailure(e -> {
                LOG.error("event=start_failed error=\"{}\"", e.getMessage(), e);
                runtime.vertx().close().onComplete(closed -> System.exit(1));
            });
    }

    private static void announce(CheckoutApplication service, ServiceRuntime runtime, CheckoutConfig config) {
        if (service.isDevelopmentMode()) {
            LOG.warn("\n"
                + "*****************************************************************************************\n"
                + "*  WARNING: development mode, authentication is OFF: every caller may act for every     *\n"
                + "*  customer. Set CARTWRIGHT_AUTH_MODE=jwt and CARTWRIGHT_JWT_KEY before real traffic.    *\n"
                + "*****************************************************************************************");
        }
        StopLoggingLast.expectServiceShutdown();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stop(service, runtime, config);
            } finally {
                StopLoggingLast.serviceShutdownDone();
            }
        }, "checkout-shutdown"));
        LOG.info("CHECKOUT READY grpc={}:{} admin={}:{} instances={} auth={} tracing={}", config.host(), service.grpcPort(), config.host(),
            service.adminPort(), config.apiInstances(), service.isDevelopmentMode() ? "development" : "jwt", runtime.tracing());
    }

    private static void stop(CheckoutApplication service, ServiceRuntime runtime, CheckoutConfig config) {
        LOG.info("event=stopping");
        try {
            service.stop().await(config.drainDelay().toSeconds() + 15, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("event=stop_incomplete error=\"{}\"", e.toString());
        }
        try {
            // Vert.x closes, then the last spans are sent.
            runtime.close().await(10, TimeUnit.SECONDS);
            LOG.info("event=stopped");
        } catch (Exception e) {
            LOG.warn("event=close_incomplete error=\"{}\"", e.toString());
        }
    }
}
