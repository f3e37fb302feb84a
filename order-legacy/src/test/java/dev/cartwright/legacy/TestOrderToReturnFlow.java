package dev.cartwright.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.order.flags.FlagSetting;
import dev.cartwright.order.flags.ServiceRouting;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.returns.v1.ApproveReturnRequest;
import dev.cartwright.proto.returns.v1.CreateReturnRequest;
import dev.cartwright.proto.returns.v1.ProcessRefundRequest;
import dev.cartwright.proto.returns.v1.ReceiveItemsRequest;
import dev.cartwright.proto.returns.v1.ReceivedItem;
import dev.cartwright.proto.returns.v1.RefundStatus;
import dev.cartwright.proto.returns.v1.ReturnItemRequest;
import dev.cartwright.proto.returns.v1.ReturnRequest;
import dev.cartwright.proto.returns.v1.ReturnServiceGrpcClient;
import dev.cartwright.proto.returns.v1.ReturnStatus;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The plan's TestOrderToReturnFlow, through the gateway: a customer fills a cart, checks out and confirms; the Order
 * service ships and then delivers that very order (order.shipped, order.delivered, after the simulator's delivery
 * delay); the customer returns one unit, staff approve and receive it, and the refund is paid. Once with the new
 * services serving the customer (share 100%: Checkout Service, Return Service, refund through the payment service),
 * once on the Order service's own endpoints (share 0%: order_db's legacy tables), each call checked to be answered by
 * the side the rollout says.
 */
@ExtendWith(RealServices.class)
class TestOrderToReturnFlow {

    private static SplitStack stack;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        stack = SplitStack.start(postgres, redis, kafka);
        // Long enough to see the order shipped before it is delivered, short enough for a test.
        stack.sim.order().deliveryDelay(Duration.ofMillis(1500));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void cartToOrderToDeliveryToRefundedReturnOnTheNewServices() {
        rollout(FlagSetting.ON);
        String customer = "flow-new-" + UUID.randomUUID().toString().substring(0, 8);
        Journey journey = buyAndReturn(customer, "checkout_service", "return_service");

        assertThat(journey.refunded.getStatus()).isIn(ReturnStatus.RETURN_STATUS_REFUNDED, ReturnStatus.RETURN_STATUS_COMPLETED);
        assertThat(journey.refunded.getRefunds(0).getStatus()).isEqualTo(RefundStatus.REFUND_STATUS_COMPLETED);
        long refunded = journey.refunded.getRefunds(0).getAmount().getAmountMinor();
        assertThat(refunded).isPositive();
        // The payment service paid exactly what the Return Service recorded, once.
        assertThat(stack.sim.payment().refundedForOrder(journey.order.getOrderId())).isEqualTo(refunded);
    }

    @Test
    void theSameFlowOnTheOrderServicesOwnEndpointsKeepsEverythingInOrderDb() {
        rollout(FlagSetting.OFF);
        String customer = "flow-legacy-" + UUID.randomUUID().toString().substring(0, 8);
        Journey journey = buyAndReturn(customer, "order_service_checkout", "order_service_returns");

        assertThat(journey.refunded.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_REFUNDED);
        assertThat(journey.refunded.getRefunds(0).getStatus()).isEqualTo(RefundStatus.REFUND_STATUS_COMPLETED);
        // One unit of two, no tax or shipping on the monolith's cart: half of the line.
        long line = journey.order.getItems(0).getTotal().getAmountMinor();
        assertThat(journey.refunded.getRefunds(0).getAmount().getAmountMinor()).isEqualTo(line / 2);

        Row cart = SplitStack.await(stack.legacy.pool().preparedQuery("SELECT status, order_id FROM carts WHERE id = $1")
            .execute(Tuple.of(journey.cartId))).iterator().next();
        assertThat(cart.getString("status")).isEqualTo("CONVERTED");
        assertThat(cart.getString("order_id")).isEqualTo(journey.order.getOrderId());
        Row ret = SplitStack.await(stack.legacy.pool().preparedQuery(
                "SELECT r.status, f.amount, f.idempotency_key FROM return_requests r JOIN return_refunds f ON f.return_request_id = r.id "
                    + "WHERE r.id = $1").execute(Tuple.of(journey.refunded.getReturnId()))).iterator().next();
        assertThat(ret.getString("status")).isEqualTo("REFUNDED");
        assertThat(ret.getString("idempotency_key")).isEqualTo(journey.refunded.getReturnId() + ":refund");
    }

    private record Journey(String cartId, Order order, ReturnRequest refunded) {
    }

    private static void rollout(FlagSetting share) {
        for (ServiceRouting service : ServiceRouting.values()) {
            stack.gateway.admin().useNewService(service, true);
            stack.gateway.admin().share(service, share);
        }
    }

    private static Journey buyAndReturn(String customer, String checkoutSide, String returnSide) {
        Purchases.Purchase purchase = Purchases.buyDelivered(stack, customer, 2, checkoutSide);
        Order order = purchase.order();
        OrderDetails delivered = purchase.delivered();

        // The return: the Return Service learns of the delivery from order.delivered, so CreateReturnRequest may first
        // answer FAILED_PRECONDITION (not delivered yet); that is the documented retry, not a failure.
        CreateReturnRequest create = CreateReturnRequest.newBuilder().setOrderId(order.getOrderId()).setCustomerId(customer)
            .addItems(ReturnItemRequest.newBuilder().setOrderItemId(delivered.getItems(0).getOrderItemId()).setQuantity(1)
                .setReason("defective"))
            .setIdempotencyKey("return-" + order.getOrderId())
            .build();
        ReturnRequest created = eventually(() -> {
            SplitStack.Reply<ReturnRequest> reply = stack.callNow(customer, ReturnServiceGrpcClient.CreateReturnRequest, create);
            if (reply.status() == GrpcStatus.FAILED_PRECONDITION) {
                return null;
            }
            return ok(reply, returnSide);
        });
        ReturnRequest approved = ok(stack.callNow(customer, ReturnServiceGrpcClient.ApproveReturn,
            ApproveReturnRequest.newBuilder().setReturnId(created.getReturnId()).build()), returnSide);
        assertThat(approved.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_APPROVED);
        ReceiveItemsRequest.Builder receive = ReceiveItemsRequest.newBuilder().setReturnId(created.getReturnId());
        approved.getItemsList().forEach(i -> receive.addItems(ReceivedItem.newBuilder().setOrderItemId(i.getOrderItemId())
            .setQuantityReceived(i.getQuantity()).setCondition("resellable").setPassedInspection(true)));
        assertThat(ok(stack.callNow(customer, ReturnServiceGrpcClient.ReceiveItems, receive.build()), returnSide).getStatus())
            .isEqualTo(ReturnStatus.RETURN_STATUS_ITEMS_RECEIVED);
        ReturnRequest refunded = ok(stack.callNow(customer, ReturnServiceGrpcClient.ProcessRefund,
            ProcessRefundRequest.newBuilder().setReturnId(created.getReturnId()).build()), returnSide);
        assertThat(refunded.getRefundsList()).hasSize(1);
        return new Journey(purchase.cartId(), order, refunded);
    }

    private static <T> T ok(SplitStack.Reply<T> reply, String side) {
        return Purchases.ok(reply, side);
    }

    private static <T> T eventually(Supplier<T> probe) {
        return Purchases.eventually(probe);
    }
}
