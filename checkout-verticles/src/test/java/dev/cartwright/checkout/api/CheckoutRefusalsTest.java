package dev.cartwright.checkout.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwright.checkout.domain.CheckoutFailure;
import dev.cartwright.checkout.domain.CheckoutProblem;
import dev.cartwright.checkout.domain.CheckoutRefusal;
import dev.cartwright.checkout.domain.CheckoutState;
import dev.cartwright.service.grpc.RpcError;
import io.vertx.grpc.common.GrpcStatus;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How each checkout refusal reaches the client: FAILED_PRECONDITION with its own stable reason and the facts to act on. */
class CheckoutRefusalsTest {

    private static RpcError.Received received(CheckoutProblem problem, String subject) {
        Throwable error = CheckoutGrpc.toError(problem, subject);
        assertThat(error).isInstanceOf(RpcError.class);
        return new RpcError.Received(((RpcError) error).toStatus());
    }

    @Test
    void everyRefusalHasItsOwnUpperSnakeReasonNamedAfterIt() {
        List<String> reasons = Arrays.stream(CheckoutRefusal.values()).map(CheckoutGrpc::reason).toList();
        assertThat(reasons).doesNotHaveDuplicates().allMatch(r -> r.matches("[A-Z][A-Z_]*[A-Z]"))
            .doesNotContain("CHECKOUT_NOT_ALLOWED");
        for (CheckoutRefusal refusal : CheckoutRefusal.values()) {
            assertThat(CheckoutGrpc.reason(refusal)).isEqualTo(refusal.name());
        }
    }

    @Test
    void aRefusalKeepsStatusAndMessageAndNamesItsReasonInErrorInfoAndTheViolation() {
        for (CheckoutRefusal refusal : CheckoutRefusal.values()) {
            RpcError error = (RpcError) CheckoutGrpc.toError(CheckoutProblem.precondition(refusal, "cart c1 is empty"), "carts/c1");
            assertThat(error.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
            assertThat(error.getMessage()).isEqualTo("cart c1 is empty");
            RpcError.Received received = new RpcError.Received(error.toStatus());
            assertThat(received.errorInfo().getReason()).isEqualTo(refusal.name());
            assertThat(received.errorInfo().getDomain()).isEqualTo(RpcError.DOMAIN);
            assertThat(received.preconditionViolations()).singleElement().satisfies(v -> {
                assertThat(v.getType()).isEqualTo(refusal.name());
                assertThat(v.getSubject()).isEqualTo("carts/c1");
                assertThat(v.getDescription()).isEqualTo("cart c1 is empty");
            });
        }
    }

    @Test
    void aCheckoutNotOpenNamesItsStatusAsTheContractSpellsIt() {
        RpcError.Received received = received(CheckoutProblem.notOpen(CheckoutState.COMPLETED,
            "checkout ck-1 is COMPLETED; only an open checkout can change"), "checkouts/ck-1");
        assertThat(received.errorInfo().getReason()).isEqualTo("CHECKOUT_NOT_OPEN");
        assertThat(received.errorInfo().getMetadataMap()).containsEntry("status", "CHECKOUT_STATUS_COMPLETED");
    }

    @Test
    void aFailedCheckoutAnswersWithTheRefusalOfItsStep() {
        assertThat(failedAt("authorize_payment").errorInfo().getReason()).isEqualTo("PAYMENT_DECLINED");
        assertThat(failedAt("authorize_payment").errorInfo().getMetadataMap()).containsEntry("step", "authorize_payment");
        assertThat(failedAt("reprice").errorInfo().getReason()).isEqualTo("CART_CHANGED");
        assertThat(failedAt("extend_reservation").errorInfo().getReason()).isEqualTo("STOCK_NOT_RESERVED");
        assertThat(failedAt("create_order").errorInfo().getReason()).isEqualTo("ORDER_REFUSED");
        assertThat(failedAt("").errorInfo().getReason()).isEqualTo("CHECKOUT_FAILED");
        assertThat(failedAt("").errorInfo().getMetadataMap()).doesNotContainKey("step");
    }

    @Test
    void aFailedCheckoutWhoseNeighbourWasDownStaysUnavailable() {
        CheckoutFailure outage = new CheckoutFailure(Optional.of("authorize_payment"), "payment unavailable",
            CheckoutProblem.Kind.UNAVAILABLE, List.of("release_reservation"));
        RpcError error = (RpcError) CheckoutGrpc.toError(outage.problem(), "checkouts/ck-1");
        assertThat(error.status()).isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(error.reason()).isEqualTo("DEPENDENCY_UNAVAILABLE");
    }

    @Test
    void aMissingCartIsCartNotFoundAndAMissingCheckoutCheckoutNotFound() {
        RpcError cart = (RpcError) CheckoutGrpc.toError(CheckoutProblem.cartNotFound("c1"), "carts/c1");
        assertThat(cart.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(cart.reason()).isEqualTo("CART_NOT_FOUND");
        assertThat(cart.getMessage()).isEqualTo("cart c1 not found");
        RpcError checkout = (RpcError) CheckoutGrpc.toError(CheckoutProblem.notFound("ck-1"), "checkouts/ck-1");
        assertThat(checkout.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(checkout.reason()).isEqualTo("CHECKOUT_NOT_FOUND");
    }

    @Test
    void aPreconditionCannotBeMadeWithoutItsRefusal() {
        assertThatThrownBy(() -> new CheckoutProblem(CheckoutProblem.Kind.FAILED_PRECONDITION, "no"))
            .isInstanceOf(IllegalArgumentException.class);
    }

    private static RpcError.Received failedAt(String step) {
        CheckoutFailure failure = new CheckoutFailure(step.isEmpty() ? Optional.empty() : Optional.of(step), "refused",
            CheckoutProblem.Kind.FAILED_PRECONDITION, List.of());
        return received(failure.problem(), "checkouts/ck-1");
    }
}
