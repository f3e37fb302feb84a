package dev.cartwright.legacy;

import static dev.cartwright.legacy.Purchases.eventually;
import static dev.cartwright.legacy.Purchases.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.order.flags.FlagSetting;
import dev.cartwright.order.flags.ServiceRouting;
import dev.cartwright.proto.returns.v1.ApproveReturnRequest;
import dev.cartwright.proto.returns.v1.CreateReturnRequest;
import dev.cartwright.proto.returns.v1.GetReturnRequestRequest;
import dev.cartwright.proto.returns.v1.ListReturnRequestsRequest;
import dev.cartwright.proto.returns.v1.ListReturnRequestsResponse;
import dev.cartwright.proto.returns.v1.ProcessRefundRequest;
import dev.cartwright.proto.returns.v1.ReceiveItemsRequest;
import dev.cartwright.proto.returns.v1.ReceivedItem;
import dev.cartwright.proto.returns.v1.RejectReturnRequest;
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
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Returns follow the customer between the Return Service (return_db) and the Order service (order_db), through the
 * gateway with the return kill switch flipped as an operator would: what the Return Service writes is in order_db in
 * the legacy shape before the call is answered, so after a rollback the Order service finds the return current and
 * carries it on; a return the Order service made or changed is imported on first touch when the customer comes back;
 * and a newer change on either side is never overwritten by the other side's older copy.
 */
@ExtendWith(RealServices.class)
class ReturnsFollowCustomerIT {

    private static final String NEW_SIDE = "return_service";
    private static final String ORDER_SIDE = "order_service_returns";

    private static SplitStack stack;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        stack = SplitStack.start(postgres, redis, kafka);
        stack.gateway.admin().useNewService(ServiceRouting.CHECKOUT, true);
        stack.gateway.admin().share(ServiceRouting.CHECKOUT, FlagSetting.ON);
        stack.gateway.admin().share(ServiceRouting.RETURNS, FlagSetting.ON);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aReturnTheReturnServiceMadeIsCurrentOnTheOrderServiceAfterARollbackAndItsChangesComeBack() {
        returnsOnTheNewService(true);
        String customer = "returns-follow-" + UUID.randomUUID().toString().substring(0, 8);
        Purchases.Purchase purchase = Purchases.buyDelivered(stack, customer, 2, "checkout_service");
        ReturnRequest created = createReturn(customer, purchase, 1, NEW_SIDE);
        ReturnRequest approved = ok(stack.callNow(customer, ReturnServiceGrpcClient.ApproveReturn,
            ApproveReturnRequest.newBuilder().setReturnId(created.getReturnId()).build()), NEW_SIDE);

        // Acknowledged means in order_db, in the Order service's words.
        Row legacy = legacyReturn(created.getReturnId());
        assertThat(legacy.getString("status")).isEqualTo("APPROVED");
        assertThat(legacy.getInteger("version")).isEqualTo((int) approved.getVersion());
        assertThat(legacyCount("SELECT count(*) FROM return_status_history WHERE return_request_id = $1", created.getReturnId()))
            .isEqualTo(approved.getHistoryCount());
        assertThat(legacyCount("SELECT count(*) FROM return_shipping WHERE return_request_id = $1", created.getReturnId())).isEqualTo(1);

        // Rolled back: the Order service serves the customer, finds the return as it was and carries it on.
        returnsOnTheNewService(false);
        ReturnRequest there = get(customer, created.getReturnId(), ORDER_SIDE);
        assertThat(there.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_APPROVED);
        assertThat(there.getVersion()).isEqualTo(approved.getVersion());
        assertThat(there.getItemsList()).singleElement().satisfies(item -> assertThat(item.getQuantity()).isEqualTo(1));
        ReceiveItemsRequest.Builder receive = ReceiveItemsRequest.newBuilder().setReturnId(created.getReturnId());
        there.getItemsList().forEach(i -> receive.addItems(ReceivedItem.newBuilder().setOrderItemId(i.getOrderItemId())
            .setQuantityReceived(i.getQuantity()).setCondition("resellable").setPassedInspection(true)));
        ok(stack.callNow(customer, ReturnServiceGrpcClient.ReceiveItems, receive.build()), ORDER_SIDE);
        ReturnRequest refundedThere = ok(stack.callNow(customer, ReturnServiceGrpcClient.ProcessRefund,
            ProcessRefundRequest.newBuilder().setReturnId(created.getReturnId()).build()), ORDER_SIDE);
        assertThat(refundedThere.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_REFUNDED);

        // Back on the Return Service: the Order service's changes are there, read by id and in the customer's list.
        returnsOnTheNewService(true);
        ReturnRequest back = get(customer, created.getReturnId(), NEW_SIDE);
        assertThat(back.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_REFUNDED);
        assertThat(back.getVersion()).isEqualTo(refundedThere.getVersion());
        assertThat(back.getItems(0).getQuantityReceived()).isEqualTo(1);
        assertThat(back.getRefundsList()).singleElement().satisfies(refund ->
            assertThat(refund.getAmount().getAmountMinor()).isEqualTo(refundedThere.getRefunds(0).getAmount().getAmountMinor()));
        assertThat(back.getHistoryCount()).isEqualTo(refundedThere.getHistoryCount());
        assertThat(list(customer, NEW_SIDE).getReturnRequestsList()).extracting(ReturnRequest::getReturnId, ReturnRequest::getStatus)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(created.getReturnId(), ReturnStatus.RETURN_STATUS_REFUNDED));
    }

    @Test
    void aReturnMadeOnTheOrderServiceIsFoundOnTheReturnServiceAndItsChangesAreMirroredBack() {
        returnsOnTheNewService(false);
        String customer = "returns-legacy-" + UUID.randomUUID().toString().substring(0, 8);
        Purchases.Purchase purchase = Purchases.buyDelivered(stack, customer, 2, "checkout_service");
        ReturnRequest madeThere = createReturn(customer, purchase, 1, ORDER_SIDE);

        returnsOnTheNewService(true);
        ListReturnRequestsResponse listed = list(customer, NEW_SIDE);
        assertThat(listed.getReturnRequestsList())
            .extracting(ReturnRequest::getReturnId, ReturnRequest::getStatus, ReturnRequest::getVersion)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(madeThere.getReturnId(), ReturnStatus.RETURN_STATUS_REQUESTED, 1L));
        ReturnRequest approved = ok(stack.callNow(customer, ReturnServiceGrpcClient.ApproveReturn,
            ApproveReturnRequest.newBuilder().setReturnId(madeThere.getReturnId()).build()), NEW_SIDE);
        assertThat(approved.getVersion()).isEqualTo(2);

        Row legacy = legacyReturn(madeThere.getReturnId());
        assertThat(legacy.getString("status")).isEqualTo("APPROVED");
        assertThat(legacy.getInteger("version")).isEqualTo(2);
        assertThat(legacyCount("SELECT count(*) FROM return_status_history WHERE return_request_id = $1", madeThere.getReturnId()))
            .isEqualTo(2);

        // The unit the Order service took back counts here: of two units, only one may still be returned.
        SplitStack.Reply<ReturnRequest> tooMany = eventually(() -> {
            SplitStack.Reply<ReturnRequest> reply = stack.callNow(customer, ReturnServiceGrpcClient.CreateReturnRequest,
                request(customer, purchase, 2, "too-many"));
            return reply.status() == GrpcStatus.FAILED_PRECONDITION && reply.message().contains("only delivered orders") ? null : reply;
        });
        assertThat(tooMany.status()).as(tooMany.message()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(tooMany.side()).isEqualTo(NEW_SIDE);
    }

    @Test
    void theOrderServicesNewerChangeIsNotOverwrittenByTheReturnServicesOlderCopy() {
        returnsOnTheNewService(true);
        String customer = "returns-guard-" + UUID.randomUUID().toString().substring(0, 8);
        Purchases.Purchase purchase = Purchases.buyDelivered(stack, customer, 1, "checkout_service");
        ReturnRequest created = createReturn(customer, purchase, 1, NEW_SIDE);

        returnsOnTheNewService(false);
        ReturnRequest rejected = ok(stack.callNow(customer, ReturnServiceGrpcClient.RejectReturn, RejectReturnRequest.newBuilder()
            .setReturnId(created.getReturnId()).setReason("outside the rules").build()), ORDER_SIDE);
        assertThat(rejected.getVersion()).isEqualTo(2);

        // Back on the Return Service, an approval of the older copy would undo the rejection: it is refused instead.
        returnsOnTheNewService(true);
        SplitStack.Reply<ReturnRequest> approve = stack.callNow(customer, ReturnServiceGrpcClient.ApproveReturn,
            ApproveReturnRequest.newBuilder().setReturnId(created.getReturnId()).build());
        assertThat(approve.status()).as(approve.message()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        ReturnRequest here = get(customer, created.getReturnId(), NEW_SIDE);
        assertThat(here.getStatus()).isEqualTo(ReturnStatus.RETURN_STATUS_REJECTED);
        assertThat(here.getRejectionReason()).isEqualTo("outside the rules");
        assertThat(legacyReturn(created.getReturnId()).getString("status")).isEqualTo("REJECTED");
    }

    private static void returnsOnTheNewService(boolean on) {
        stack.gateway.admin().useNewService(ServiceRouting.RETURNS, on);
    }

    private static CreateReturnRequest request(String customer, Purchases.Purchase purchase, int quantity, String key) {
        return CreateReturnRequest.newBuilder().setOrderId(purchase.order().getOrderId()).setCustomerId(customer)
            .addItems(ReturnItemRequest.newBuilder().setOrderItemId(purchase.delivered().getItems(0).getOrderItemId())
                .setQuantity(quantity).setReason("defective"))
            .setIdempotencyKey(key + "-" + purchase.order().getOrderId())
            .build();
    }

    /** The Return Service learns of the delivery from order.delivered: until then it answers FAILED_PRECONDITION. */
    private static ReturnRequest createReturn(String customer, Purchases.Purchase purchase, int quantity, String side) {
        CreateReturnRequest create = request(customer, purchase, quantity, "return");
        return eventually(() -> {
            SplitStack.Reply<ReturnRequest> reply = stack.callNow(customer, ReturnServiceGrpcClient.CreateReturnRequest, create);
            return reply.status() == GrpcStatus.FAILED_PRECONDITION ? null : ok(reply, side);
        });
    }

    private static ReturnRequest get(String customer, String returnId, String side) {
        return ok(stack.callNow(customer, ReturnServiceGrpcClient.GetReturnRequest,
            GetReturnRequestRequest.newBuilder().setReturnId(returnId).build()), side);
    }

    private static ListReturnRequestsResponse list(String customer, String side) {
        return ok(stack.callNow(customer, ReturnServiceGrpcClient.ListReturnRequests,
            ListReturnRequestsRequest.newBuilder().setCustomerId(customer).build()), side);
    }

    private static Row legacyReturn(String returnId) {
        RowSet<Row> rows = SplitStack.await(stack.legacy.pool().preparedQuery("SELECT status, version FROM return_requests WHERE id = $1")
            .execute(Tuple.of(returnId)));
        assertThat(rows.size()).as("return %s in order_db", returnId).isEqualTo(1);
        return rows.iterator().next();
    }

    private static int legacyCount(String sql, String returnId) {
        return SplitStack.await(stack.legacy.pool().preparedQuery(sql).execute(Tuple.of(returnId))).iterator().next().getLong(0).intValue();
    }
}
