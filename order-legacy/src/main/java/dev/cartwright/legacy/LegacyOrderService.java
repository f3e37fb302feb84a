package dev.cartwright.legacy;

import dev.cartwright.order.client.LegacyOrderClient;
import dev.cartwright.service.call.CallPolicy;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcService;
import dev.cartwright.proto.checkout.v1.CheckoutServiceGrpcService;
import dev.cartwright.proto.platform.v1.PricingServiceGrpcClient;
import dev.cartwright.proto.returns.v1.ReturnServiceGrpcService;
import dev.cartwright.service.auth.Authenticator;
import dev.cartwright.service.db.DbConfig;
import dev.cartwright.service.db.SchemaMigrations;
import dev.cartwright.service.grpc.GrpcEndpoint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.health.HealthService;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.util.List;

/**
 * The Order service as shoppers reached it before the split: its cart, checkout and return endpoints (the same
 * checkout.v1 and return.v1 contracts the new services serve, over gRPC, gRPC-Web and HTTP/JSON) on one port, backed
 * by order_db in the legacy schema. The gateway sends a customer here while the share or a kill switch says so.
 * Owns the pool, the clients and the server; {@link #close()} releases them.
 */
public final class LegacyOrderService {

    private final Pool pool;
    private final GrpcClient grpc;
    private final LegacyOrderClient orders;
    private final HttpServer server;

    private LegacyOrderService(Pool pool, GrpcClient grpc, LegacyOrderClient orders, HttpServer server) {
        this.pool = pool;
        this.grpc = grpc;
        this.orders = orders;
        this.server = server;
    }

    /** Applies order_db's migrations (the legacy schema), then listens. Development mode: callers are not authenticated. */
    static Future<LegacyOrderService> start(Vertx vertx, LegacyOrderConfig config) {
        DbConfig db = DbConfig.of(config.endpoints(), config.database(), "order_db", config.poolSize());
        return SchemaMigrations.apply(vertx, db, config.schema()).compose(migrated -> {
            Pool pool = PgBuilder.pool().with(db.poolOptions()).connectingTo(db.connectOptions(config.schema())).using(vertx).build();
            GrpcClient grpc = GrpcClient.client(vertx, new GrpcClientOptions(),
                new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
            PricingServiceGrpcClient pricing = PricingServiceGrpcClient.create(grpc, address(config.pricingAddress()));
            LegacyOrderClient orders = LegacyOrderClient.create(vertx, address(config.orderAddress()), CallPolicy.DEFAULT);
            HealthService health = HealthService.create(vertx);
            health.register(CartServiceGrpcService.SERVICE_NAME, () -> Future.succeededFuture(true));
            health.register(ReturnServiceGrpcService.SERVICE_NAME, () -> Future.succeededFuture(true));
            return GrpcEndpoint.start(vertx, config.host(), config.port(), Authenticator.development(), config.cors(), health, List.of(
                    CartServiceGrpcService.of(new LegacyCarts(pool, pricing)),
                    CheckoutServiceGrpcService.of(new LegacyCheckouts(pool, orders)),
                    ReturnServiceGrpcService.of(new LegacyReturns(pool, orders))))
                .map(server -> new LegacyOrderService(pool, grpc, orders, server));
        });
    }

    /** Starts with settings from the environment (see {@link LegacyOrderConfig}). */
    public static Future<LegacyOrderService> start(Vertx vertx, java.util.Map<String, String> environment) {
        return start(vertx, LegacyOrderConfig.read(dev.cartwright.service.config.ConfigReader.from(environment)));
    }

    public int port() {
        return server.actualPort();
    }

    /** The order_db pool, for checks of what the legacy side holds. */
    public Pool pool() {
        return pool;
    }

    public Future<Void> close() {
        return Future.join(server.close(), orders.close(), grpc.close(), pool.close()).mapEmpty();
    }

    private static SocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return SocketAddress.inetSocketAddress(Integer.parseInt(hostPort.substring(colon + 1)), hostPort.substring(0, colon));
    }
}
