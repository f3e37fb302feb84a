package dev.cartwright.order.client;

import java.util.concurrent.TimeUnit;

import dev.cartwright.proto.platform.v1.CreateOrderRequest;
import dev.cartwright.proto.platform.v1.GetOrderRequest;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.OrderServiceGrpcClient;
import dev.cartwright.service.call.CallFailure;
import dev.cartwright.service.call.CallOutcome;
import dev.cartwright.service.call.CallPolicy;
import dev.cartwright.service.call.GuardedCall;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.StatusException;

/**
 * Owns the calls to the legacy Order service ({@code platform.v1.OrderService}): one gRPC client and one
 * {@link GuardedCall} (the services' one policy: breaker, deadline per attempt, retries with jitter, one classification).
 * Every call ends in an {@link OrderResult}; nothing here throws or fails its future for the service's own trouble.
 *
 * <p>CreateOrder is idempotent by its idempotency key, which is the checkout id: a retry — ours after a timeout, or
 * the caller's after an unknown outcome — returns the order the first attempt created. A call that got no answer is
 * {@link OrderResult.Unavailable} when it cannot have reached the service and {@link OrderResult.Unknown} when it may
 * have created the order; a refusal such as INVALID_ARGUMENT or NOT_FOUND is an answer and is never retried.
 *
 * <p>Calls use the generated method descriptors of {@link OrderServiceGrpcClient} on a {@link GrpcClient} rather than
 * the generated stub's methods, because the stub drops the status message of a refusal and the caller needs it.
 */
public final class LegacyOrderClient {

    private final GrpcClient client;
    private final SocketAddress address;
    private final GuardedCall guard;

    private LegacyOrderClient(Vertx vertx, GrpcClient client, SocketAddress address, CallPolicy policy) {
        this.client = client;
        this.address = address;
        this.guard = new GuardedCall("order", vertx, policy);
    }

    /** A client with its own HTTP/2 connection pool to the Order service at {@code address}. */
    public static LegacyOrderClient create(Vertx vertx, SocketAddress address, CallPolicy policy) {
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, policy.timeout().toMillis());
        GrpcClient client = GrpcClient.client(vertx,
            new GrpcClientOptions().setTimeout(timeoutMs).setTimeoutUnit(TimeUnit.MILLISECONDS).setScheduleDeadlineAutomatically(true),
            new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false).setConnectTimeout(timeoutMs));
        return new LegacyOrderClient(vertx, client, address, policy);
    }

    /**
     * Creates the order of a checkout, or returns the one an earlier attempt with the same idempotency key created. The
     * key is the checkout id: left empty it is filled in; set to anything else the request is refused here, without a
     * call.
     */
    public Future<OrderResult> createOrder(CreateOrderRequest request) {
        if (request.getCheckoutId().isEmpty()) {
            return Future.succeededFuture(new OrderResult.Refused(GrpcStatus.INVALID_ARGUMENT, "checkout_id is required"));
        }
        if (!request.getIdempotencyKey().isEmpty() && !request.getIdempotencyKey().equals(request.getCheckoutId())) {
            return Future.succeededFuture(new OrderResult.Refused(GrpcStatus.INVALID_ARGUMENT,
                "idempotency_key must be the checkout id " + request.getCheckoutId() + ", was " + request.getIdempotencyKey()));
        }
        CreateOrderRequest keyed = request.toBuilder().setIdempotencyKey(request.getCheckoutId()).build();
        return call("CreateOrder", OrderServiceGrpcClient.CreateOrder, keyed, "");
    }

    /** The order as the Order service holds it, or {@link OrderResult.NotFound}. */
    public Future<OrderResult> getOrder(String orderId) {
        if (orderId == null || orderId.isEmpty()) {
            return Future.succeededFuture(new OrderResult.Refused(GrpcStatus.INVALID_ARGUMENT, "order_id is required"));
        }
        return call("GetOrder", OrderServiceGrpcClient.GetOrder, GetOrderRequest.newBuilder().setOrderId(orderId).build(), orderId);
    }

    /** Closed while the Order service answers; open (calls fail at once) after repeated outages. */
    public CircuitBreakerState breakerState() {
        return guard.state();
    }

    /** Publishes the breaker's gauge ({@code cartwright.neighbour.breaker.open}, neighbour=order). */
    public void bindTo(MeterRegistry registry) {
        guard.bindTo(registry);
    }

    public CallPolicy policy() {
        return guard.policy();
    }

    public Future<Void> close() {
        guard.close();
        return client.close();
    }

    private <Q> Future<OrderResult> call(String operation, ServiceMethod<OrderDetails, Q> method, Q request, String orderId) {
        return guard.call(operation, () -> unary(method, request)).map(outcome -> {
            if (outcome instanceof CallOutcome.Answered<OrderDetails> answered) {
                return new OrderResult.Order(answered.value());
            }
            CallFailure failure = ((CallOutcome.Failed<OrderDetails>) outcome).failure();
            if (failure instanceof CallFailure.Refused refused) {
                if (refused.status() == GrpcStatus.NOT_FOUND && !orderId.isEmpty()) {
                    return new OrderResult.NotFound(orderId);
                }
                return new OrderResult.Refused(refused.status(), refused.message());
            }
            return failure instanceof CallFailure.Unknown ? new OrderResult.Unknown(failure.describe())
                : new OrderResult.Unavailable(failure.describe());
        });
    }

    /** One call; a non-OK status fails with a {@link StatusException} carrying the service's status and message. */
    private <Q> Future<OrderDetails> unary(ServiceMethod<OrderDetails, Q> method, Q request) {
        return client.request(address, method)
            .compose(req -> req.send(request))
            .compose(resp -> resp.last().recover(e -> {
                GrpcStatus status = resp.status();
                if (status != null && status != GrpcStatus.OK) {
                    String message = resp.statusMessage();
                    return Future.failedFuture(new StatusException(status, message == null || message.isEmpty() ? status.name() : message));
                }
                return Future.failedFuture(e);
            }));
    }
}
