package dev.cartwright.sim;

import dev.cartwright.net.OnContext;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.cartwright.proto.platform.v1.CatalogServiceGrpcClient;
import dev.cartwright.proto.platform.v1.CustomerServiceGrpcClient;
import dev.cartwright.proto.platform.v1.OrderServiceGrpcClient;
import dev.cartwright.proto.platform.v1.PaymentServiceGrpcClient;
import dev.cartwright.proto.platform.v1.PricingServiceGrpcClient;
import dev.cartwright.proto.platform.v1.PromotionServiceGrpcClient;
import dev.cartwright.proto.platform.v1.ShippingServiceGrpcClient;
import dev.cartwright.proto.platform.v1.WarehouseServiceGrpcClient;

import dev.cartwright.service.grpc.RpcError;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A started {@link PlatformSim} and a real gRPC client to it, for tests. Calls are made over the network exactly as a
 * service would make them, from a Vert.x context of the harness's own; the test thread (never an event loop) waits for
 * the answers.
 *
 * <p>Why a context: a client call chained from the test thread can ask for a response's body after its end was
 * handled, and then never completes ({@link OnContext}). On one context every step runs on one event loop.
 */
final class SimHarness implements AutoCloseable {

    /** What a failed call told the client: status, message, and the google.rpc details (null when it sent none). */
    record Failure(GrpcStatus status, String message, RpcError.Received details) {
    }

    final PlatformSim sim;
    final GrpcClient client;
    private final HttpClient http;
    private final Context context;

    private SimHarness(Vertx vertx, PlatformSim sim) {
        this.sim = sim;
        this.client = GrpcClient.client(vertx);
        this.http = vertx.createHttpClient();
        // Called from the test thread, this makes a new event-loop context that no one else uses.
        this.context = vertx.getOrCreateContext();
    }

    /** Makes a call on the harness's context and waits for its result, failing the test if the call fails. */
    <T> T call(Supplier<Future<T>> call) {
        return await(onContext(call));
    }

    /** The status a call of a generated client failed with; fails the test if the call succeeds. */
    GrpcStatus statusOf(Supplier<Future<?>> call) {
        try {
            onContext(call::get).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InvalidStatusException invalid) {
                return invalid.actualStatus();
            }
            throw new AssertionError("call failed without a gRPC status: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("call did not finish: " + e, e);
        }
        throw new AssertionError("call succeeded, a failure was expected");
    }

    private <T> Future<T> onContext(Supplier<Future<T>> call) {
        return OnContext.call(context, call);
    }

    static SimHarness start(Vertx vertx, SimConfig config) {
        return new SimHarness(vertx, await(PlatformSim.start(vertx, config)));
    }

    static SimHarness start(Vertx vertx, SimConfig config, EventPublisher publisher) {
        return new SimHarness(vertx, await(PlatformSim.start(vertx, config, publisher)));
    }

    /** Calls the admin endpoint, checks the HTTP status and returns the JSON reply. */
    JsonObject admin(HttpMethod method, String path, JsonObject body, int expectedStatus) {
        return call(() -> http.request(method, sim.adminPort(), "127.0.0.1", path)
            .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body.encode())))
            .compose(response -> response.body().map(buffer -> {
                assertThat(response.statusCode()).as("%s %s answered %s", method, path, buffer).isEqualTo(expectedStatus);
                return buffer.toJsonObject();
            })));
    }

    /** Ephemeral ports, everything else as {@link SimConfig#defaults()}. */
    static SimConfig testConfig() {
        return SimConfig.defaults().withBasePort(0);
    }

    CatalogServiceGrpcClient catalog() {
        return CatalogServiceGrpcClient.create(client, sim.address(SimService.CATALOG));
    }

    PricingServiceGrpcClient pricing() {
        return PricingServiceGrpcClient.create(client, sim.address(SimService.PRICING));
    }

    PromotionServiceGrpcClient promotion() {
        return PromotionServiceGrpcClient.create(client, sim.address(SimService.PROMOTION));
    }

    WarehouseServiceGrpcClient warehouse() {
        return WarehouseServiceGrpcClient.create(client, sim.address(SimService.WAREHOUSE));
    }

    PaymentServiceGrpcClient payment() {
        return PaymentServiceGrpcClient.create(client, sim.address(SimService.PAYMENT));
    }

    ShippingServiceGrpcClient shipping() {
        return ShippingServiceGrpcClient.create(client, sim.address(SimService.SHIPPING));
    }

    OrderServiceGrpcClient order() {
        return OrderServiceGrpcClient.create(client, sim.address(SimService.ORDER));
    }

    CustomerServiceGrpcClient customer() {
        return CustomerServiceGrpcClient.create(client, sim.address(SimService.CUSTOMER));
    }

    /**
     * Makes a call that is expected to fail and returns the status and message the client received; fails the test if
     * the call succeeds.
     */
    <Req, Resp> Failure failure(SimService service, ServiceMethod<Resp, Req> method, Req request) {
        return call(() -> client.request(sim.address(service), method)
            .compose(grpcCall -> grpcCall.end(request).compose(v -> grpcCall.response()))
            .compose(response -> {
                response.handler(message -> { });
                return response.end().transform(ended -> ended.succeeded()
                    ? Future.failedFuture(new AssertionError(method.methodName() + " succeeded, a failure was expected"))
                    : Future.succeededFuture(new Failure(response.status(), response.statusMessage(),
                        details(response.headers(), response.trailers()))));
            }));
    }

    /** The details of a failed call: in the trailers, or in the headers of a trailers-only answer. */
    private static RpcError.Received details(MultiMap headers, MultiMap trailers) {
        String value = trailers == null ? null : trailers.get(RpcError.DETAILS_HEADER);
        value = value == null ? headers.get(RpcError.DETAILS_HEADER) : value;
        return value == null ? null : RpcError.Received.fromHeader(value);
    }

    /** Waits (on the test thread) for a future and returns its value, failing the test if it failed. */
    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("call failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("call did not finish: " + e, e);
        }
    }

    @Override
    public void close() {
        call(() -> client.close().eventually(http::close).eventually(() -> sim.close()));
    }
}
