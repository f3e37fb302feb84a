package dev.cartwright.checkout.api;

import dev.cartwright.proto.checkout.v1.CartServiceGrpcService;
import dev.cartwright.proto.checkout.v1.CheckoutServiceGrpcService;
import dev.cartwright.service.auth.Authenticator;
import dev.cartwright.service.grpc.CorsPolicy;
import dev.cartwright.service.grpc.RequestLimit;
import dev.cartwright.service.grpc.GrpcEndpoint;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.grpc.health.HealthService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One event-loop instance of the service port. The process deploys one per core; each binds the same port
 * (the endpoint sets reusePort, and Vert.x shares the listener between instances), so connections spread over
 * the event loops while every instance serves the same endpoints over the same shared state. The first instance
 * to bind records the port actually bound in {@code boundPort} (useful when the configured port is 0).
 */
public final class CartApiVerticle extends VerticleBase {

    /** How long calls in flight may take to finish when the service stops (within Kubernetes' 30 s grace period). */
    public static final Duration DRAIN = Duration.ofSeconds(10);

    private final String host;
    private final int port;
    private final Authenticator authenticator;
    private final CorsPolicy cors;
    private final RequestLimit limit;
    private final CartGrpc carts;
    private final CheckoutGrpc checkouts;
    private final Supplier<Future<Boolean>> serving;
    private final AtomicInteger boundPort;
    private HttpServer server;

    public CartApiVerticle(String host, int port, Authenticator authenticator, CorsPolicy cors, RequestLimit limit, CartGrpc carts,
                           CheckoutGrpc checkouts, Supplier<Future<Boolean>> serving, AtomicInteger boundPort) {
        this.host = host;
        this.port = port;
        this.authenticator = authenticator;
        this.cors = cors;
        this.limit = limit;
        this.carts = carts;
        this.checkouts = checkouts;
        this.serving = serving;
        this.boundPort = boundPort;
    }

    @Override
    public Future<?> start() {
        HealthService health = HealthService.create(vertx);
        health.register(CartServiceGrpcService.SERVICE_NAME, serving::get);
        health.register(CheckoutServiceGrpcService.SERVICE_NAME, () -> Future.succeededFuture(true));
        return GrpcEndpoint.start(vertx, host, port, authenticator, cors, health,
                List.of(CartServiceGrpcService.of(carts), CheckoutServiceGrpcService.of(checkouts)), CartRequestJson.codecs(), limit)
            .onSuccess(s -> {
                server = s;
                boundPort.compareAndSet(-1, s.actualPort());
            });
    }

    /**
     * Stops accepting calls (HTTP/2 clients get a GOAWAY) and gives those in flight up to {@link #DRAIN} to finish,
     * instead of cutting them.
     */
    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.shutdown(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
    }

}
