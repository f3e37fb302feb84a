package dev.cartwright.sim;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.cartwright.proto.platform.v1.CatalogServiceGrpcClient;
import dev.cartwright.proto.platform.v1.CustomerServiceGrpcClient;
import dev.cartwright.proto.platform.v1.OrderServiceGrpcClient;
import dev.cartwright.proto.platform.v1.PaymentServiceGrpcClient;
import dev.cartwright.proto.platform.v1.PricingServiceGrpcClient;
import dev.cartwright.proto.platform.v1.PromotionServiceGrpcClient;
import dev.cartwright.proto.platform.v1.ShippingServiceGrpcClient;
import dev.cartwright.proto.platform.v1.WarehouseServiceGrpcClient;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;

/**
 * A started {@link PlatformSim} and a real gRPC client to it, for tests. Calls are made over the network exactly as a
 * service would make them; the test thread (never an event loop) waits for the answers.
 */
final class SimHarness implements AutoCloseable {

    /** What a failed call told the client. */
    record Failure(GrpcStatus status, String message) {
    }

    final PlatformSim sim;
    final GrpcClient client;

    private SimHarness(PlatformSim sim, GrpcClient client) {
        this.sim = sim;
        this.client = client;
    }

    static SimHarness start(Vertx vertx, SimConfig config) {
        return new SimHarness(await(PlatformSim.start(vertx, config)), GrpcClient.client(vertx));
    }

    static SimHarness start(Vertx vertx, SimConfig config, EventPublisher publisher) {
        return new SimHarness(await(PlatformSim.start(vertx, config, publisher)), GrpcClient.client(vertx));
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
        return await(client.request(sim.address(service), method)
            .compose(call -> call.end(request).compose(v -> call.response()))
            .compose(response -> {
                response.handler(message -> { });
                return response.end().transform(ended -> ended.succeeded()
                    ? Future.failedFuture(new AssertionError(method.methodName() + " succeeded, a failure was expected"))
                    : Future.succeededFuture(new Failure(response.status(), response.statusMessage())));
            }));
    }

    /** The status a failed call of a generated client failed with. */
    static GrpcStatus statusOf(Future<?> call) {
        try {
            call.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
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
        await(client.close().eventually(() -> sim.close()));
    }
}
