package dev.cartwright.checkout.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwright.cart.MutationResult;
import dev.cartwright.cart.Refusal;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
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

    private static void assertStatus(MutationResult result, OptionalLong expected, GrpcStatus status, String message) {
        assertThatThrownBy(() -> CartGrpc.applied("c1", expected, result)).isInstanceOf(StatusException.class).satisfies(e -> {
            assertThat(((StatusException) e).status()).isEqualTo(status);
            assertThat(((StatusException) e).message()).isEqualTo(message);
        });
    }
}
