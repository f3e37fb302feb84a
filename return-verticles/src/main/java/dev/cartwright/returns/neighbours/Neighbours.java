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
import dev.cartwright.service.call.CallOutcome;
import dev.cartwright.service.call.CallPolicy;
import dev.cartwright.service.call.GuardedCall;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.GrpcStatus;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Owns the Return Service's calls to its neighbours (order, payment, shipping, warehouse): one gRPC client and one
 * {@link GuardedCall} per neighbour (the services' one policy: breaker, deadline per attempt, retries with jitter, one
 * classification), and the translation of every failure into a {@link NeighbourFailure} that says whether a retry may
 * help. Every call made here is idempotent (each carries an idempotency key or is a read), so a call that got no
 * answer is retried.
 */
public final class Neighbours {

    private final GrpcClient client;
    private final OrderServiceGrpcClient order;
    private final PaymentServiceGrpcClient payment;
    private final ShippingServiceGrpcClient shipping;
    private final WarehouseServiceGrpcClient warehouse;
    private final GuardedCall orderCall;
    private final GuardedCall paymentCall;
    private final GuardedCall shippingCall;
    private final GuardedCall warehouseCall;

    public Neighbours(Vertx vertx, NeighbourAddresses addresses, CallPolicy policy) {
        this.client = GrpcClient.client(vertx, new GrpcClientOptions()
            .setTimeout((int) policy.timeout().toMillis()).setTimeoutUnit(TimeUnit.MILLISECONDS).setScheduleDeadlineAutomatically(true));
        this.order = OrderServiceGrpcClient.create(client, addresses.order());
        this.payment = PaymentServiceGrpcClient.create(client, addresses.payment());
        this.shipping = ShippingServiceGrpcClient.create(client, addresses.shipping());
        this.warehouse = WarehouseServiceGrpcClient.create(client, addresses.warehouse());
        this.orderCall = new GuardedCall("order", vertx, policy);
        this.paymentCall = new GuardedCall("payment", vertx, policy);
        this.shippingCall = new GuardedCall("shipping", vertx, policy);
        this.warehouseCall = new GuardedCall("warehouse", vertx, policy);
    }

    /** The order, or empty when the Order service does not know it. */
    public Future<Optional<OrderDetails>> getOrder(String orderId) {
        return orEmpty(call(orderCall, "GetOrder", () -> order.getOrder(GetOrderRequest.newBuilder().setOrderId(orderId).build())));
    }

    public Future<OrderDetails> createExchangeOrder(CreateExchangeOrderRequest request) {
        return call(orderCall, "CreateExchangeOrder", () -> order.createExchangeOrder(request));
    }

    public Future<PaymentRefund> refundPayment(RefundPaymentRequest request) {
        return call(paymentCall, "RefundPayment", () -> payment.refundPayment(request));
    }

    /**
     * The refund the payment neighbour issued under {@code idempotencyKey}, or empty when it has none: how a refund
     * whose answer was lost (a timeout, a reset) is told apart from one that was never paid.
     */
    public Future<Optional<PaymentRefund>> findRefund(String idempotencyKey) {
        return orEmpty(call(paymentCall, "GetRefund", () -> payment.getRefund(GetRefundRequest.newBuilder()
            .setIdempotencyKey(idempotencyKey).build())));
    }

    public Future<ReturnLabel> createReturnLabel(CreateReturnLabelRequest request) {
        return call(shippingCall, "CreateReturnLabel", () -> shipping.createReturnLabel(request));
    }

    public Future<RestockResponse> restock(RestockRequest request) {
        return call(warehouseCall, "Restock", () -> warehouse.restock(request));
    }

    /** Breaker states, for health and logs. */
    public List<String> circuitStates() {
        return List.of(orderCall, paymentCall, shippingCall, warehouseCall).stream()
            .map(call -> "neighbour-" + call.neighbour() + "=" + call.state()).toList();
    }

    public Future<Void> close() {
        List.of(orderCall, paymentCall, shippingCall, warehouseCall).forEach(GuardedCall::close);
        return client.close();
    }

    /** A read's answer, or empty when the neighbour says it does not know the thing asked for. */
    private static <T> Future<Optional<T>> orEmpty(Future<T> read) {
        return read.map(Optional::of).recover(e -> e instanceof NeighbourFailure f && f.status() == GrpcStatus.NOT_FOUND
            ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(e));
    }

    private static <T> Future<T> call(GuardedCall guard, String operation, Supplier<Future<T>> attempt) {
        return guard.call(operation, attempt).compose(outcome -> outcome instanceof CallOutcome.Answered<T> answered
            ? Future.succeededFuture(answered.value())
            : Future.failedFuture(NeighbourFailure.of(((CallOutcome.Failed<T>) outcome).failure())));
    }
}
