package dev.cartwright.returns;

import dev.cartwright.returns.admin.RefundsAdmin;
import dev.cartwright.service.admin.AdminServer;
import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;
import dev.cartwright.service.logging.StopLoggingLast;
import dev.cartwright.service.runtime.ServiceRuntime;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Return Service process: configuration → runtime → return_db migrations → the service (clients, workflows,
 * verticles) → the admin port; then one line on standard output, {@code RETURN READY grpc=host:port admin=host:port}.
 * SIGTERM stops the verticles (the relay finishes its batch), closes the clients and Vert.x, and exits.
 */
public final class ReturnMain {

    private static final Logger LOG = LoggerFactory.getLogger(ReturnMain.class);

    private ReturnMain() {
    }

    public static void main(String[] args) {
        ReturnConfig config;
        try {
            config = ReturnConfig.read(ConfigReader.fromEnvironment());
            ServiceRuntime.checkSettings(System.getenv()); // a bad value stops the start here, with the others
        } catch (ConfigException e) {
            System.err.println("Return Service cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (config.auth().development()) {
            String banner = "*".repeat(100);
            LOG.warn("\n{}\n*  WARNING: CARTWRIGHT_AUTH_MODE=development - every caller is trusted as staff and may name any customer.\n"
                + "*  Never run this mode where real customers can reach it; set CARTWRIGHT_AUTH_MODE=jwt and CARTWRIGHT_JWT_KEY.\n{}",
                banner, banner);
        }
        ServiceRuntime runtime = ServiceRuntime.create("returns");
        ReturnConfig c = config;
        Future<String> ready = ReturnApplication.start(runtime.vertx(), c, runtime.registry(), Clock.systemUTC(), UUID::randomUUID)
            .compose(app -> {
                AdminServer admin = new AdminServer(runtime.vertx(), runtime.registry())
                    .check("return_db", () -> app.pool().query("SELECT 1").execute())
                    .route(RefundsAdmin.PATH, app.refundsAdmin());
                StopLoggingLast.expectServiceShutdown();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        shutdown(app, admin, runtime);
                    } finally {
                        StopLoggingLast.serviceShutdownDone();
                    }
                }, "return-shutdown"));
                return admin.listen(c.host(), c.adminPort()).map(HttpServer::actualPort)
                    .map(adminPort -> "RETURN READY grpc=" + c.host() + ":" + app.grpcPort() + " admin=" + c.host() + ":" + adminPort
                        + " tracing=" + runtime.tracing());
            });
        // Vert.x's threads keep the process alive once main returns; nothing here waits for the start.
        ready.onSuccess(line -> {
            System.out.println(line);
            System.out.flush();
        }).onFailure(e -> {
            LOG.error("Return Service failed to start", e);
            runtime.vertx().close().onComplete(closed -> System.exit(1));
        });
    }

    private static void shutdown(ReturnApplication app, AdminServer admin, ServiceRuntime runtime) {
        LOG.info("stopping the Return Service");
        // Readiness answers 503 from now on, so that a load balancer sends no new work while calls in flight finish.
        admin.drain();
        try {
            app.stop().await(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("stopping the verticles did not finish cleanly: {}", e.toString());
        }
        // Closed from this thread and waited for with a latch: a continuation bound to an event loop would never run
        // once Vert.x has shut its event loops.
        CountDownLatch closed = new CountDownLatch(1);
        runtime.close().onComplete(ar -> closed.countDown());
        try {
            if (closed.await(10, TimeUnit.SECONDS)) {
                LOG.info("Return Service stopped");
            } else {
                LOG.warn("Vert.x did not close within 10 s; exiting anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
