package dev.cartwright.checkout;

import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;
import dev.cartwright.service.runtime.ServiceRuntime;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Checkout Service process: reads the configuration (environment, or the file named by
 * {@code CARTWRIGHT_CONFIG_FILE}), starts {@link CheckoutService}, prints one {@code CHECKOUT READY} line, and
 * shuts down cleanly on SIGTERM (verticles undeployed, clients closed).
 */
public final class CheckoutMain {

    private static final Logger LOG = LoggerFactory.getLogger(CheckoutMain.class);

    private CheckoutMain() {
    }

    public static void main(String[] args) throws Exception {
        CheckoutConfig config;
        try {
            config = CheckoutConfig.read(ConfigReader.fromEnvironment());
        } catch (ConfigException e) {
            LOG.error("event=bad_configuration key={} message=\"{}\"", e.key(), e.getMessage());
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        ServiceRuntime runtime = ServiceRuntime.create("checkout");
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<CheckoutService> running = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CheckoutService.start(runtime, config, Clock.systemUTC()).onComplete(ar -> {
            if (ar.succeeded()) {
                running.set(ar.result());
            } else {
                failure.set(ar.cause());
            }
            started.countDown();
        });
        started.await();
        if (failure.get() != null) {
            LOG.error("event=start_failed error=\"{}\"", failure.get().getMessage(), failure.get());
            runtime.vertx().close().await(10, TimeUnit.SECONDS);
            System.exit(1);
            return;
        }
        CheckoutService service = running.get();
        if (service.isDevelopmentMode()) {
            LOG.warn("\n"
                + "*****************************************************************************************\n"
                + "*  WARNING: development mode, authentication is OFF: every caller may act for every     *\n"
                + "*  customer. Set CARTWRIGHT_AUTH_MODE=jwt and CARTWRIGHT_JWT_KEY before real traffic.    *\n"
                + "*****************************************************************************************");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("event=stopping");
            try {
                service.stop().eventually(() -> runtime.vertx().close()).await(15, TimeUnit.SECONDS);
                LOG.info("event=stopped");
            } catch (Exception e) {
                LOG.warn("event=stop_incomplete error=\"{}\"", e.toString());
            }
        }, "checkout-shutdown"));
        LOG.info("CHECKOUT READY grpc={}:{} admin={}:{} instances={} auth={}", config.host(), service.grpcPort(), config.host(),
            service.adminPort(), config.apiInstances(), service.isDevelopmentMode() ? "development" : "jwt");
    }
}
