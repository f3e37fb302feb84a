package dev.cartwright.checkout.api;

import dev.cartwright.proto.checkout.v1.Checkout;
import dev.cartwright.proto.checkout.v1.CheckoutServiceService;
import dev.cartwright.proto.checkout.v1.ConfirmCheckoutRequest;
import dev.cartwright.proto.checkout.v1.GetCheckoutRequest;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.checkout.v1.OrderPreview;
import dev.cartwright.proto.checkout.v1.PreviewOrderRequest;
import dev.cartwright.proto.checkout.v1.SelectShippingMethodRequest;
import dev.cartwright.proto.checkout.v1.StartCheckoutRequest;
import dev.cartwright.proto.checkout.v1.UpdateAddressRequest;
import dev.cartwright.service.grpc.Rpc;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;

/**
 * The CheckoutService endpoint. The confirm saga is not built yet, so every method answers UNIMPLEMENTED with a
 * message saying so, counted like any other RPC, instead of the generated base class's exception (which a
 * client would see as UNKNOWN).
 */
public final class CheckoutGrpc extends CheckoutServiceService {

    private final Rpc rpc;

    public CheckoutGrpc(Rpc rpc) {
        this.rpc = rpc;
    }

    private <T> Future<T> notYet(String method) {
        return rpc.call(method, () -> Future.failedFuture(
            new StatusException(GrpcStatus.UNIMPLEMENTED, "checkout.v1.CheckoutService/" + method + " is not available yet")));
    }

    @Override
    public Future<Checkout> startCheckout(StartCheckoutRequest request) {
        return notYet("StartCheckout");
    }

    @Override
    public Future<Checkout> getCheckout(GetCheckoutRequest request) {
        return notYet("GetCheckout");
    }

    @Override
    public Future<Checkout> updateShippingAddress(UpdateAddressRequest request) {
        return notYet("UpdateShippingAddress");
    }

    @Override
    public Future<Checkout> updateBillingAddress(UpdateAddressRequest request) {
        return notYet("UpdateBillingAddress");
    }

    @Override
    public Future<Checkout> selectShippingMethod(SelectShippingMethodRequest request) {
        return notYet("SelectShippingMethod");
    }

    @Override
    public Future<OrderPreview> previewOrder(PreviewOrderRequest request) {
        return notYet("PreviewOrder");
    }

    @Override
    public Future<Order> confirmCheckout(ConfirmCheckoutRequest request) {
        return notYet("ConfirmCheckout");
    }
}
