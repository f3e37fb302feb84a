package dev.cartwright.returns.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwright.proto.returns.v1.CreateReturnRequest;
import dev.cartwright.proto.returns.v1.ReturnItemRequest;
import dev.cartwright.returns.domain.Resolution;
import dev.cartwright.returns.domain.ReturnReason;
import dev.cartwright.returns.workflow.CreateReturn;
import dev.cartwright.returns.workflow.ReturnFailure;
import dev.cartwright.service.grpc.RpcError;
import io.vertx.grpc.common.GrpcStatus;
import org.junit.jupiter.api.Test;

class ReturnGrpcValidationTest {

    private static ReturnItemRequest item(String id, int q, String reason) {
        return ReturnItemRequest.newBuilder().setOrderItemId(id).setQuantity(q).setReason(reason).build();
    }

    private static void assertInvalid(CreateReturnRequest request, String field) {
        assertThatThrownBy(() -> ReturnGrpc.validate(request)).isInstanceOfSatisfying(ReturnFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(ReturnFailure.Kind.INVALID_ARGUMENT);
            assertThat(f.getMessage()).startsWith(field + ":");
        });
    }

    @Test
    void aPlainRequestBecomesACommandWithTheDefaultResolution() {
        CreateReturn cmd = ReturnGrpc.validate(CreateReturnRequest.newBuilder().setOrderId("o1").addItems(item("1", 2,
                "defective")).build());
        assertThat(cmd.resolution()).isEqualTo(Resolution.REFUND);
        assertThat(cmd.items()).containsExactly(new CreateReturn.Item("1", 2, ReturnReason.DEFECTIVE, "", ""));
        assertThat(cmd.customerId()).isEmpty();
    }

    @Test
    void eachBadFieldIsNamed() {
        assertInvalid(CreateReturnRequest.newBuilder().addItems(item("1", 1, "other")).build(), "order_id");
        assertInvalid(CreateReturnRequest.newBuilder().setOrderId("o1").build(), "items");
        assertInvalid(CreateReturnRequest.newBuilder().setOrderId("o1").addItems(item("1", 1, "broken")).build(), "items[0].reason");
        assertInvalid(CreateReturnRequest.newBuilder().setOrderId("o1").addItems(item("1", 1, "other")).addItems(item("2", 0, "other"))
            .build(), "items[1].quantity");
        assertInvalid(CreateReturnRequest.newBuilder().setOrderId("o1").addItems(item("", 1, "other")).build(), "items[0].order_item_id");
        assertInvalid(CreateReturnRequest.newBuilder().setOrderId("o1").setResolution("cash").addItems(item("1", 1, "other")).build(),
            "resolution");
    }

    @Test
    void anIdLongerThanAnyIdIsRefusedByName() {
        String huge = "x".repeat(12_708);
        assertInvalid(CreateReturnRequest.newBuilder().setOrderId(huge).addItems(item("1", 1, "other")).build(), "order_id");
        assertInvalid(CreateReturnRequest.newBuilder().setOrderId("o1").setCustomerId(huge).addItems(item("1", 1, "other")).build(),
            "customer_id");
        assertInvalid(CreateReturnRequest.newBuilder().setOrderId("o1").addItems(item(huge, 1, "other")).build(), "items[0].order_item_id");
        assertInvalid(CreateReturnRequest.newBuilder().setOrderId("o1").setResolution("exchange")
            .addItems(item("1", 1, "other").toBuilder().setExchangeProductId(huge)).build(), "items[0].exchange_product_id");
    }

    @Test
    void whatAFailureEchoesIsBoundedSoItsStatusFitsInAHeader() {
        // A status message travels in the grpc-message header; one of many kilobytes makes clients reset the stream.
        String huge = "y".repeat(400_000);
        Throwable status = ReturnGrpc.toStatus(ReturnFailure.notFound("return " + huge + " not found"), "returns/" + huge);
        assertThat(status).isInstanceOfSatisfying(RpcError.class, s -> {
            assertThat(s.status()).isEqualTo(GrpcStatus.NOT_FOUND);
            assertThat(s.getMessage()).startsWith("return yyy").hasSizeLessThanOrEqualTo(1024);
        });
        // The details repeat the message and name the subject: they are bounded too.
        Throwable refused = ReturnGrpc.toStatus(ReturnFailure.precondition("return " + huge + " is rejected"), "returns/" + huge);
        assertThat(refused).isInstanceOfSatisfying(RpcError.class, s -> assertThat(s.detailsHeader()).hasSizeLessThan(4096));
    }

    /**
     * PostgreSQL text holds no NUL: a free-text field (note here; CancelReturn's and RejectReturn's reason go through the
     * same check) with one is refused by name. The Return Service fuzz found a CancelReturn reason with a NUL answered
     * INTERNAL when PostgreSQL refused it.
     */
    @Test
    void aNulInFreeTextIsRefusedByName() {
        assertInvalid(CreateReturnRequest.newBuilder().setOrderId("o1").setNote("a\u0000b").addItems(item("1", 1, "other")).build(),
            "note");
        assertThat(ReturnGrpc.validate(CreateReturnRequest.newBuilder().setOrderId("o1").setNote("line one\nline two")
            .addItems(item("1", 1, "other")).build()).note()).isEqualTo("line one\nline two");
    }

    @Test
    void theFingerprintIsTheRequestWithoutItsKey() {
        CreateReturnRequest one = CreateReturnRequest.newBuilder().setOrderId("o1").setIdempotencyKey("k1")
            .addItems(item("1", 2, "defective")).build();
        String fingerprint = ReturnGrpc.validate(one).fingerprint();
        assertThat(fingerprint).hasSize(64).isEqualTo(ReturnGrpc.validate(one.toBuilder().build()).fingerprint());
        assertThat(ReturnGrpc.validate(one.toBuilder().setIdempotencyKey("k2").build()).fingerprint()).isEqualTo(fingerprint);
        assertThat(ReturnGrpc.validate(one.toBuilder().setItems(0, item("1", 1, "defective")).build()).fingerprint())
            .isNotEqualTo(fingerprint);
        assertThat(ReturnGrpc.validate(one.toBuilder().setNote("n").build()).fingerprint()).isNotEqualTo(fingerprint);
        assertInvalid(one.toBuilder().setIdempotencyKey("k".repeat(129)).build(), "idempotency_key");
    }

    @Test
    void failuresBecomeTheirGrpcStatusWithDetails() {
        assertThat(ReturnGrpc.toStatus(ReturnFailure.precondition("TRANSITION_NOT_ALLOWED", "cannot approve a return that is rejected"),
            "returns/r1")).isInstanceOfSatisfying(RpcError.class, s -> {
                assertThat(s.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
                assertThat(s.getMessage()).isEqualTo("cannot approve a return that is rejected");
                RpcError.Received received = new RpcError.Received(s.toStatus());
                assertThat(received.errorInfo().getReason()).isEqualTo("TRANSITION_NOT_ALLOWED");
                assertThat(received.preconditionViolations()).singleElement()
                    .satisfies(v -> assertThat(v.getSubject()).isEqualTo("returns/r1"));
            });
        assertThat(ReturnGrpc.toStatus(ReturnFailure.invalid("items[0].quantity", "must be at least 1"), "orders/o1"))
            .isInstanceOfSatisfying(RpcError.class, s -> {
                assertThat(s.getMessage()).isEqualTo("items[0].quantity: must be at least 1");
                assertThat(new RpcError.Received(s.toStatus()).fieldViolations()).containsExactly("items[0].quantity");
            });
        assertThat(ReturnGrpc.toStatus(ReturnFailure.denied("no"), "returns/r1")).isInstanceOfSatisfying(RpcError.class,
            s -> assertThat(s.reason()).isEqualTo("NOT_PERMITTED"));
        assertThat(ReturnGrpc.toStatus(ReturnFailure.unavailable("down"), "returns/r1")).isInstanceOfSatisfying(RpcError.class, s -> {
            assertThat(s.status()).isEqualTo(GrpcStatus.UNAVAILABLE);
            assertThat(new RpcError.Received(s.toStatus()).retryDelay()).contains(RpcError.DEFAULT_RETRY_DELAY);
        });
    }
}
