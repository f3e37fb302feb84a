package dev.cartwright.sim;

import dev.cartwright.proto.common.v1.Money;
import dev.cartwright.proto.platform.v1.AuthorizationStatus;
import dev.cartwright.proto.platform.v1.AuthorizePaymentRequest;
import dev.cartwright.proto.platform.v1.CapturePaymentRequest;
import dev.cartwright.proto.platform.v1.GetRefundRequest;
import dev.cartwright.proto.platform.v1.PaymentAuthorization;
import dev.cartwright.proto.platform.v1.PaymentRefund;
import dev.cartwright.proto.platform.v1.PaymentRefundStatus;
import dev.cartwright.proto.platform.v1.PaymentServiceGrpcClient;
import dev.cartwright.proto.platform.v1.RefundPaymentRequest;
import dev.cartwright.proto.platform.v1.VoidAuthorizationRequest;

import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class PaymentSimulatorTest {

    private static SimHarness harness;
    private static PaymentServiceGrpcClient payment;

    @BeforeAll
    static void start(Vertx vertx) {
        harness = SimHarness.start(vertx, SimHarness.testConfig());
        payment = harness.payment();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @AfterEach
    void wellBehavedAgain() {
        harness.sim.resetKnobs();
    }

    @Test
    void authorising_twice_with_one_key_gives_one_authorisation() {
        int before = harness.sim.payment().authorizationCount();
        AuthorizePaymentRequest request = authorize("chk-1:authorize", "visa-1", 2599);

        PaymentAuthorization first = harness.call(() -> payment.authorizePayment(request));
        PaymentAuthorization second = harness.call(() -> payment.authorizePayment(request));

        assertThat(first.getStatus()).isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_AUTHORIZED);
        assertThat(second).isEqualTo(first);
        assertThat(first.getAmount().getAmountMinor()).isEqualTo(2599);
        assertThat(harness.sim.payment().authorizationCount()).isEqualTo(before + 1);
        PaymentAuthorization other = harness.call(() -> payment.authorizePayment(authorize("chk-2:authorize", "visa-1", 2599)));
        assertThat(other.getAuthorizationId()).isNotEqualTo(first.getAuthorizationId());
    }

    @Test
    void a_declined_method_is_declined_with_a_reason() {
        PaymentAuthorization declined = harness.call(() -> payment.authorizePayment(authorize("chk-d:authorize", "declined", 1000)));
        PaymentAuthorization alsoDeclined = harness.call(() ->
            payment.authorizePayment(authorize("chk-d2:authorize", "decline-insufficient", 1000)));

        assertThat(declined.getStatus()).isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_DECLINED);
        assertThat(declined.getDeclineReason()).isNotEmpty();
        assertThat(alsoDeclined.getStatus()).isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_DECLINED);
        SimHarness.Failure capture = harness.failure(SimService.PAYMENT, PaymentServiceGrpcClient.CapturePayment,
            CapturePaymentRequest.newBuilder().setAuthorizationId(declined.getAuthorizationId()).setIdempotencyKey("c").build());
        assertThat(capture.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
    }

    @Test
    void the_decline_all_knob_declines_a_good_method() {
        harness.sim.payment().declineAll(true);

        PaymentAuthorization declined = harness.call(() -> payment.authorizePayment(authorize("chk-knob:authorize", "visa-1", 1000)));

        assertThat(declined.getStatus()).isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_DECLINED);
    }

    @Test
    void capture_and_void_are_idempotent_and_exclusive() {
        PaymentAuthorization captured = harness.call(() -> payment.authorizePayment(authorize("chk-c:authorize", "visa-1", 5000)));
        CapturePaymentRequest capture = CapturePaymentRequest.newBuilder()
            .setAuthorizationId(captured.getAuthorizationId()).setIdempotencyKey("chk-c:capture").build();

        assertThat(harness.call(() ->
            payment.capturePayment(capture)).getStatus()).isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED);
        assertThat(harness.call(() ->
            payment.capturePayment(capture)).getStatus()).isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED);
        SimHarness.Failure voidCaptured = harness.failure(SimService.PAYMENT, PaymentServiceGrpcClient.VoidAuthorization,
            VoidAuthorizationRequest.newBuilder().setAuthorizationId(captured.getAuthorizationId()).build());
        assertThat(voidCaptured.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);

        PaymentAuthorization voided = harness.call(() -> payment.authorizePayment(authorize("chk-v:authorize", "visa-1", 5000)));
        VoidAuthorizationRequest voidIt = VoidAuthorizationRequest.newBuilder().setAuthorizationId(voided.getAuthorizationId()).build();
        assertThat(harness.call(() ->
            payment.voidAuthorization(voidIt)).getStatus()).isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_VOIDED);
        assertThat(harness.call(() ->
            payment.voidAuthorization(voidIt)).getStatus()).isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_VOIDED);
        assertThat(harness.statusOf(() -> payment.capturePayment(
            CapturePaymentRequest.newBuilder().setAuthorizationId(voided.getAuthorizationId()).build())))
            .isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(harness.statusOf(() ->
            payment.capturePayment(CapturePaymentRequest.newBuilder().setAuthorizationId("auth-none").build())))
            .isEqualTo(GrpcStatus.NOT_FOUND);
    }

    @Test
    void refunding_twice_with_one_key_refunds_once() {
        RefundPaymentRequest refund = RefundPaymentRequest.newBuilder()
            .setIdempotencyKey("ret-1:refund").setOrderId("ord-r1").setAmount(usd(1999)).setReason("defective").build();

        PaymentRefund first = harness.call(() -> payment.refundPayment(refund));
        PaymentRefund second = harness.call(() -> payment.refundPayment(refund));

        assertThat(first.getStatus()).isEqualTo(PaymentRefundStatus.PAYMENT_REFUND_STATUS_SUCCEEDED);
        assertThat(second).isEqualTo(first);
        assertThat(first.getIdempotencyKey()).isEqualTo("ret-1:refund");
        assertThat(harness.sim.payment().refundRequests("ret-1:refund")).isEqualTo(2);
        assertThat(harness.sim.payment().refundsIssued("ret-1:refund")).isEqualTo(1);
        assertThat(harness.sim.payment().refundsForOrder("ord-r1")).containsExactly(first);
        assertThat(harness.sim.payment().refundedForOrder("ord-r1")).isEqualTo(1999);
        assertThat(harness.call(() ->
            payment.getRefund(GetRefundRequest.newBuilder().setIdempotencyKey("ret-1:refund").build()))).isEqualTo(first);
    }

    @Test
    void a_refund_under_a_new_key_is_a_second_refund() {
        RefundPaymentRequest.Builder refund = RefundPaymentRequest.newBuilder().setOrderId("ord-r2").setAmount(usd(500));

        harness.call(() -> payment.refundPayment(refund.setIdempotencyKey("ret-2:refund").build()));
        harness.call(() -> payment.refundPayment(refund.setIdempotencyKey("ret-3:refund").build()));

        assertThat(harness.sim.payment().refundsForOrder("ord-r2")).hasSize(2);
        assertThat(harness.sim.payment().refundedForOrder("ord-r2")).isEqualTo(1000);
    }

    @Test
    void a_refund_never_exceeds_what_is_left_of_a_known_payment() {
        PaymentAuthorization paid = harness.call(() -> payment.authorizePayment(authorize("chk-x:authorize", "visa-1", 3000)));
        RefundPaymentRequest.Builder refund = RefundPaymentRequest.newBuilder()
            .setOrderId("ord-x").setPaymentReference(paid.getAuthorizationId());

        PaymentRefund partial = harness.call(() -> payment.refundPayment(refund.setIdempotencyKey("x-1").setAmount(usd(2000)).build()));
        PaymentRefund tooMuch = harness.call(() -> payment.refundPayment(refund.setIdempotencyKey("x-2").setAmount(usd(1001)).build()));
        PaymentRefund rest = harness.call(() -> payment.refundPayment(refund.setIdempotencyKey("x-3").setAmount(usd(1000)).build()));

        assertThat(partial.getStatus()).isEqualTo(PaymentRefundStatus.PAYMENT_REFUND_STATUS_SUCCEEDED);
        assertThat(tooMuch.getStatus()).isEqualTo(PaymentRefundStatus.PAYMENT_REFUND_STATUS_FAILED);
        assertThat(tooMuch.getFailureReason()).contains("exceeds");
        assertThat(rest.getStatus()).isEqualTo(PaymentRefundStatus.PAYMENT_REFUND_STATUS_SUCCEEDED);
        assertThat(harness.sim.payment().refundedForOrder("ord-x")).isEqualTo(3000);
    }

    @Test
    void an_unknown_refund_key_is_not_found_and_a_missing_key_is_invalid() {
        assertThat(harness.statusOf(() -> payment.getRefund(GetRefundRequest.newBuilder().setIdempotencyKey("never").build())))
            .isEqualTo(GrpcStatus.NOT_FOUND);
        SimHarness.Failure failure = harness.failure(SimService.PAYMENT, PaymentServiceGrpcClient.RefundPayment,
            RefundPaymentRequest.newBuilder().setAmount(usd(100)).build());
        assertThat(failure.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(failure.message()).contains("idempotency_key");
    }

    private static AuthorizePaymentRequest authorize(String key, String method, long amount) {
        return AuthorizePaymentRequest.newBuilder()
            .setIdempotencyKey(key)
            .setCustomerId("123")
            .setPaymentMethodId(method)
            .setAmount(usd(amount))
            .build();
    }

    private static Money usd(long amount) {
        return Money.newBuilder().setAmountMinor(amount).setCurrencyCode("USD").build();
    }
}
