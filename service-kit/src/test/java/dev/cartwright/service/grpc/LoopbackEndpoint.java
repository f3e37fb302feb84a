package dev.cartwright.service.grpc;

import dev.cartwright.service.auth.Authenticator;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.server.Service;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The endpoint as the ITs here start it on loopback, and the HTTP/2 client they call it with. */
final class LoopbackEndpoint {

    private static final int PATIENCE_SECONDS = 30;

    private LoopbackEndpoint() {
    }

    /** {@code service} on an ephemeral loopback port: development mode, no browser access, at most {@code limit}'s calls. */
    static HttpServer start(Vertx vertx, Service service, RequestLimit limit) throws Exception {
        return GrpcEndpoint.start(vertx, "127.0.0.1", 0, Authenticator.development(), CorsPolicy.none(),
            HealthService.create(vertx), List.of(service), JsonCodecs.NONE, limit)
            .await(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }

    /** An HTTP/2 client (prior knowledge, no upgrade) to {@code port} on loopback, all its calls on one connection. */
    static HttpClient oneConnection(Vertx vertx, int port) {
        return vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
            .setDefaultHost("127.0.0.1").setDefaultPort(port), new PoolOptions().setHttp2MaxSize(1));
    }
}
