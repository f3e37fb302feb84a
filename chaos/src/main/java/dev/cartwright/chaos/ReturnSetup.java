package dev.cartwright.chaos;

import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.returns.v1.ApproveReturnRequest;
import dev.cartwright.proto.returns.v1.CreateReturnRequest;
import dev.cartwright.proto.returns.v1.ReceiveItemsRequest;
import dev.cartwright.proto.returns.v1.ReceivedItem;
import dev.cartwright.proto.returns.v1.ReturnItemRequest;
import dev.cartwright.proto.returns.v1.ReturnRequest;
import dev.cartwright.proto.returns.v1.ReturnServiceGrpcClient;
import dev.cartwright.sim.OrderSimulator;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** Makes a delivered order (in the order simulator) and a return of one of its units, taken as far as asked. */
final class ReturnSetup {

    /** How far a return is taken. */
    enum Stage { REQUESTED, APPROVED, RECEIVED }

    /** The order, the return, and the customer both belong to. */
    record Made(String orderId, String returnId, String customerId) {
    }

    private ReturnSetup() {
    }

    /** Order {@code n} of {@code customer}: two units of one product; its return: one unit, defective. */
    static Made make(ReturnRig rig, String customer, int n, Stage upTo) {
        OrderDetails order;
        try {
            order = rig.sim.order().createDeliveredOrder(customer, Instant.now().minus(Duration.ofDays(2)),
                new OrderSimulator.Line(rig.sim.catalogue().products().get(10 + n % 200).productId(), 2)).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not make an order for a return: " + e, e);
        }
        ReturnRequest created = definite(rig.calls.call(ReturnServiceGrpcClient.CreateReturnRequest, CreateReturnRequest.newBuilder()
            .setOrderId(order.getOrderId()).setCustomerId(customer).setIdempotencyKey("setup-" + customer + "-" + n)
            .addItems(ReturnItemRequest.newBuilder().setOrderItemId("1").setQuantity(1).setReason("defective")).build()), "create");
        String id = created.getReturnId();
        if (upTo != Stage.REQUESTED) {
            definite(rig.calls.call(ReturnServiceGrpcClient.ApproveReturn, ApproveReturnRequest.newBuilder().setReturnId(id).build()),
                "approve");
        }
        if (upTo == Stage.RECEIVED) {
            definite(rig.calls.call(ReturnServiceGrpcClient.ReceiveItems, ReceiveItemsRequest.newBuilder().setReturnId(id)
                .addItems(ReceivedItem.newBuilder().setOrderItemId("1").setQuantityReceived(1).setCondition("resellable")
                    .setPassedInspection(true)).build()), "receive");
        }
        return new Made(order.getOrderId(), id, customer);
    }

    private static <T> T definite(Calls.Reply<T> reply, String what) {
        if (!reply.ok()) {
            throw new IllegalStateException("could not " + what + " a return: " + reply.status() + " " + reply.message());
        }
        return reply.body();
    }
}
