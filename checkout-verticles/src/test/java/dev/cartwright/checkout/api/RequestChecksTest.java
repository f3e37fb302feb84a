package dev.cartwright.checkout.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwright.service.grpc.RpcError;
import io.vertx.grpc.common.GrpcStatus;
import org.junit.jupiter.api.Test;

class RequestChecksTest {

    @Test
    void plainNumbersAndOpaqueTokensAreIds() {
        assertThat(RequestChecks.id("product_id", "456")).isEqualTo("456");
        assertThat(RequestChecks.id("customer_id", "123")).isEqualTo("123");
        assertThat(RequestChecks.id("cart_id", "a.b:c_d-9")).isEqualTo("a.b:c_d-9");
        assertThat(RequestChecks.id("cart_id", "x".repeat(64))).hasSize(64);
        assertThat(RequestChecks.optionalId("customer_id", "")).isEmpty();
    }

    @Test
    void badIdsAreRefusedNamingTheField() {
        assertInvalid(() -> RequestChecks.id("product_id", ""), "product_id is required");
        assertInvalid(() -> RequestChecks.id("product_id", "4 5"), "product_id must be");
        assertInvalid(() -> RequestChecks.id("cart_id", "x".repeat(65)), "cart_id must be");
        assertInvalid(() -> RequestChecks.id("cart_id", "é"), "cart_id must be");
        assertInvalid(() -> RequestChecks.id("cart_id", "{cart:1}"), "cart_id must be");
    }

    @Test
    void quantitiesStayWithinTheirRange() {
        assertThat(RequestChecks.quantity("quantity", 1, 1, 999)).isEqualTo(1);
        assertThat(RequestChecks.quantity("quantity", 999, 1, 999)).isEqualTo(999);
        assertThat(RequestChecks.quantity("quantity", 0, 0, 999)).isZero();
        assertInvalid(() -> RequestChecks.quantity("quantity", 0, 1, 999), "quantity must be between 1 and 999, was 0");
        assertInvalid(() -> RequestChecks.quantity("quantity", 1000, 1, 999), "quantity must be between 1 and 999, was 1000");
        assertInvalid(() -> RequestChecks.quantity("quantity", -1, 0, 999), "quantity");
    }

    @Test
    void codesAreUpperCasedAndBounded() {
        assertThat(RequestChecks.code("code", "save10")).isEqualTo("SAVE10");
        assertThat(RequestChecks.code("code", "B2G1_x-y")).isEqualTo("B2G1_X-Y");
        assertInvalid(() -> RequestChecks.code("code", "X".repeat(33)), "code must be");
        assertInvalid(() -> RequestChecks.code("code", "SAVE.10"), "code must be");
        assertInvalid(() -> RequestChecks.code("code", ""), "code is required");
    }

    @Test
    void currencyRegionKeyAndVersion() {
        assertThat(RequestChecks.currency("currency_code", "usd")).isEqualTo("USD");
        assertThat(RequestChecks.currency("currency_code", "")).isEmpty();
        assertInvalid(() -> RequestChecks.currency("currency_code", "US"), "currency_code");
        assertInvalid(() -> RequestChecks.currency("currency_code", "US1"), "currency_code");
        assertThat(RequestChecks.region("region", "us-ca")).isEqualTo("US-CA");
        assertInvalid(() -> RequestChecks.region("region", "US CA"), "region");
        assertThat(RequestChecks.idempotencyKey("idempotency_key", "")).isEmpty();
        assertInvalid(() -> RequestChecks.idempotencyKey("idempotency_key", "k".repeat(129)), "idempotency_key");
        assertInvalid(() -> RequestChecks.expectedVersion("expected_version", 0), "expected_version");
        assertThat(RequestChecks.expectedVersion("expected_version", 3)).isEqualTo(3);
    }

    private static void assertInvalid(Runnable check, String messageStart) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(RpcError.class, error -> {
            assertThat(error.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
            assertThat(error.getMessage()).startsWith(messageStart);
            assertThat(error.reason()).isEqualTo(RpcError.INVALID_FIELD);
            assertThat(new RpcError.Received(error.toStatus()).fieldViolations()).containsExactly(messageStart.split(" ")[0]);
        });
    }
}
