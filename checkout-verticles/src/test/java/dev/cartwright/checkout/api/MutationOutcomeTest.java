package dev.cartwright.checkout.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwright.cart.MutationResult;
import dev.cartwright.cart.Refusal;
import dev.cartwright.service.grpc.RpcError;
import io.vertx.grpc.common.GrpcStatus;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** How each store outcome reaches the client. */
class MutationOutcomeTest {

    @Test
    void aStaleVersionIsAbortedNamingBothVersions() {
        assertStatus(new MutationResult.StaleVersion(7), OptionalLong.of(5), GrpcStatus.ABORTED, "stale version: expected 5, current 7");
    }

    @Test
    void aMissingCartIsNotFound() {
        assertStatus(new MutationResult.NotFound(), OptionalLong.empty(), GrpcStatus.NOT_FOUND, "cart c1 not found");
    }

    @Test
    void refusalsNameTheirReason() {
        assertStatus(new MutationResult.Refused(Refusal.QUANTITY_LIMIT, "999"), OptionalLong.empty(), GrpcStatus.INVALID_ARGUMENT,
            "quantity QUANTITY_LIMIT: 999");
        assertStatus(new MutationResult.Refused(Refusal.KEY_REUSED, "idempotency key reused with different parameters"),
            OptionalLong.empty(), GrpcStatus.INVALID_ARGUMENT, "idempotency_key reused with different parameters");
        for (Refusal reason : new Refusal[] {Refusal.LINE_LIMIT, Refusal.NOT_ACTIVE, Refusal.NO_SUCH_LINE,
            Refusal.PROMOTION_ALREADY_APPLIED, Refusal.PROMOTION_NOT_APPLIED, Refusal.CURRENCY_MISMATCH}) {
            assertStatus(new MutationResult.Refused(reason, ""), OptionalLong.empty(), GrpcStatus.FAILED_PRECONDITION, reason.name());
        }
    }

    @Test
    void eachRefusalHasItsReasonAndDetail() {
        assertThat(reasonOf(new MutationResult.NotFound())).isEqualTo("CART_NOT_FOUND");
        RpcError.Received quantity = received(new MutationResult.Refused(Refusal.QUANTITY_LIMIT, "999"));
        assertThat(quantity.errorInfo().getReason()).isEqualTo(RpcError.INVALID_FIELD);
        assertThat(quantity.fieldViolations()).containsExactly("quantity");
        assertThat(received(new MutationResult.Refused(Refusal.KEY_REUSED, "")).fieldViolations()).containsExactly("idempotency_key");
        RpcError.Received inactive = received(new MutationResult.Refused(Refusal.NOT_ACTIVE, ""));
        assertThat(inactive.errorInfo().getReason()).isEqualTo("CART_NOT_ACTIVE");
        assertThat(inactive.preconditionViolations()).singleElement().satisfies(v -> assertThat(v.getSubject()).isEqualTo("carts/c1"));
        for (Refusal reason : new Refusal[] {Refusal.LINE_LIMIT, Refusal.NO_SUCH_LINE, Refusal.PROMOTION_ALREADY_APPLIED,
            Refusal.PROMOTION_NOT_APPLIED, Refusal.CURRENCY_MISMATCH}) {
            assertThat(reasonOf(new MutationResult.Refused(reason, ""))).isEqualTo(reason.name());
        }
    }

    private static RpcError.Received received(MutationResult result) {
        try {
            CartGrpc.applied("c1", OptionalLong.empty(), result);
        } catch (RpcError e) {
            return new RpcError.Received(e.toStatus());
        }
        throw new AssertionError(result + " was applied");
    }

    private static String reasonOf(MutationResult result) {
        return received(result).errorInfo().getReason();
    }

    private static void assertStatus(MutationResult result, OptionalLong expected, GrpcStatus status, String message) {
        assertThatThrownBy(() -> CartGrpc.applied("c1", expected, result)).isInstanceOfSatisfying(RpcError.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }
}
