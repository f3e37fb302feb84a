package dev.cartwright.returns.neighbours;

import dev.cartwright.proto.platform.v1.CreateExchangeOrderRequest;
import dev.cartwright.proto.platform.v1.CreateReturnLabelRequest;
import dev.cartwright.proto.platform.v1.GetOrderRequest;
import dev.cartwright.proto.platform.v1.GetRefundRequest;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.OrderServiceGrpcClient;
import dev.cartwright.proto.platform.v1.PaymentRefund;
import dev.cartwright.proto.platform.v1.PaymentServiceGrpcClient;
import dev.cartwright.proto.platform.v1.RefundPaymentRequest;
import dev.cartwright.proto.platform.v1.RestockRequest;
import dev.cartwright.proto.platform.v1.RestockResponse;
import dev.cartwright.proto.platform.v1.ReturnLabel;
import dev.cartwright.proto.platform.v1.ShippingServiceGrpcClient;
import dev.cartwright.proto.platform.v1.WarehouseServiceGrpcClient;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.circuitbreaker.RetryPolicy;
import io.vertx.circuitbreaker.TimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Owns the Return Service's calls to its neighbours (order, payment, shipping, warehouse): one gRPC client, one
 * circuit breaker per neighbour, and the translation of every failure into a {@link NeighbourFailure} that says
 * whether a retry may help. Every call made here is idempotent (each carries an idempotency key or is a read), so
 * the breaker may retry the failures that retrying can cure.
 */
public final class Neighbours {

    private final GrpcClient client;
    private final OrderServiceGrpcClient order;
    private final PaymentServiceGrpcClient payment;
    private final ShippingServiceGrpcClient shipping;
    private final WarehouseServiceGrpcClient warehouse;
    private final CircuitBreaker orderBreaker;
    private final CircuitBreaker paymentBreaker;
    private final CircuitBreaker shippingBreaker;
    private final CircuitBreaker warehouseBreaker;

    public Neighbours(Vertx vertx, NeighbourAddresses addresses, CallPolicy policy) {
        this.client = GrpcClient.client(vertx, new GrpcClientOptions()
            .setTimeout((int) policy.timeout().toMillis()).setTimeoutUnit(TimeUnit.MILLISECONDS).setScheduleDeadlineAutomatically(true));
        this.order = OrderServiceGrpcClient.create(client, addresses.order());
        this.payment = PaymentServiceGrpcClient.create(client, addresses.payment());
        this.shipping = ShippingServiceGrpcClient.create(client, addresses.shipping());
        this.warehouse = WarehouseServiceGrpcClient.create(client, addresses.warehouse());
        this.orderBreaker = breaker(vertx, "order", policy);
        this.paymentBreaker = breaker(vertx, "payment", policy);
        this.shippingBreaker = breaker(vertx, "shipping", policy);
        this.warehouseBreaker = breaker(vertx, "warehouse", policy);
    }

    private static CircuitBreaker breaker(Vertx vertx, String name, CallPolicy policy) {
        CircuitBreaker breaker = CircuitBreaker.create("neighbour-" + name, vertx, new CircuitBreakerOptions()
            .setTimeout(policy.timeout().toMillis() + 250)
            .setMaxFailures(policy.maxFailures())
            .setMaxRetries(policy.maxRetries())
            .setResetTimeout(policy.resetTimeout().toMillis()));
        breaker.retryPolicy(RetryPolicy.exponentialDelayWithJitter(policy.retryBase().toMillis(), policy.retryMax().toMillis()));
        // Only failures a retry can cure count against the circuit (and are retried); a refusal is an answer.
        breaker.<Object>failurePolicy(result -> result.failed() && retryable(result.cause()));
        return breaker;
    }

    /** The order, or empty when the Order service does not know it. */
    public Future<Optional<OrderDetails>> getOrder(String orderId) {
        return orEmpty(call("order", orderBreaker, () -> order.getOrder(GetOrderRequest.newBuilder().setOrderId(orderId).build())));
    }

    public Future<OrderDetails> createExchangeOrder(CreateExchangeOrderRequest request) {
        return call("order", orderBreaker, () -> order.createExchangeOrder(request));
    }

    public Future<PaymentRefund> refundPayment(RefundPaymentRequest request) {
        return call("payment", paymentBreaker, () -> payment.refundPayment(request));
    }

    /**
     * The refund the payment neighbour issued under {@code idempotencyKey}, or empty when it has none: how a refund
     * whose answer was lost (a timeout, a reset) is told apart from one that was never paid.
     */
    public Future<Optional<PaymentRefund>> findRefund(String idempotencyKey) {
        return orEmpty(call("payment", paymentBreaker, () -> payment.getRefund(GetRefundRequest.newBuilder()
            .setIdempotencyKey(idempotencyKey).build())));
    }

    public Future<ReturnLabel> createReturnLabel(CreateReturnLabelRequest request) {
        return call("shipping", shippingBreaker, () -> shipping.createReturnLabel(request));
    }

    public Future<RestockResponse> restock(RestockRequest request) {
        return call("warehouse", warehouseBreaker, () -> warehouse.restock(request));
    }

    /** Breaker states, for health and logs. */
    public List<String> circuitStates() {
        return List.of(orderBreaker.name() + "=" + orderBreaker.state(), paymentBreaker.name() + "=" + paymentBreaker.state(),
            shippingBreaker.name() + "=" + shippingBreaker.state(), warehouseBreaker.name() + "=" + warehouseBreaker.state());
    }

    public Future<Void> close() {
        orderBreaker.close();
        paymentBreaker.close();
        shippingBreaker.close();
        warehouseBreaker.close();
        return client.close();
    }

    private static <T> Future<T> call(String neighbour, CircuitBreaker breaker, Supplier<Future<T>> call) {
        return breaker.<T>execute(call).recover(e -> Future.failedFuture(translate(neighbour, e)));
    }

    /** A read's answer, or empty when the neighbour says it does not know the thing asked for. */
    private static <T> Future<Optional<T>> orEmpty(Future<T> read) {
        return read.map(Optional::of).recover(e -> e instanceof NeighbourFailure f && f.status() == GrpcStatus.NOT_FOUND
            ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(e));
    }

    static boolean retryable(Throwable e) {
        GrpcStatus status = statusOf(e);
        if (status == null) {
            // Not a gRPC answer at all: connection refused or reset, breaker timeout, open circuit.
            return true;
        }
        return switch (status) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNKNOWN -> true;
            default -> false;
        };
    }

    private static GrpcStatus statusOf(Throwable e) {
        if (e instanceof InvalidStatusException s) {
            return s.actualStatus();
        }
        if (e instanceof StatusException s) {
            return s.status();
        }
        return null;
    }

    static NeighbourFailure translate(String neighbour, Throwable e) {
        if (e instanceof NeighbourFailure f) {
            return f;
        }
        if (e instanceof OpenCircuitException) {
            return new NeighbourFailure(neighbour, GrpcStatus.UNAVAILABLE, true, "circuit open after repeated failures", e);
        }
        if (e instanceof TimeoutException) {
            return new NeighbourFailure(neighbour, GrpcStatus.DEADLINE_EXCEEDED, true, "timed out", e);
        }
        GrpcStatus status = statusOf(e);
        if (status == null) {
            return new NeighbourFailure(neighbour, GrpcStatus.UNAVAILABLE, true, String.valueOf(e.getMessage()), e);
        }
        return new NeighbourFailure(neighbour, status, retryable(e), e.getMessage(), e);
    }
}
