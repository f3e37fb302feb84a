package dev.cartwright.sim;

import dev.cartwright.proto.common.v1.Money;
import dev.cartwright.proto.platform.v1.AuthorizePaymentRequest;
import dev.cartwright.proto.platform.v1.CatalogServiceGrpcClient;
import dev.cartwright.proto.platform.v1.CustomerServiceGrpcClient;
import dev.cartwright.proto.platform.v1.GetCustomerRequest;
import dev.cartwright.proto.platform.v1.GetProductsRequest;
import dev.cartwright.proto.platform.v1.ListProductsRequest;
import dev.cartwright.proto.platform.v1.PaymentServiceGrpcClient;
import dev.cartwright.proto.platform.v1.ReserveStockRequest;
import dev.cartwright.proto.platform.v1.StockLine;
import dev.cartwright.proto.platform.v1.WarehouseServiceGrpcClient;
import dev.cartwright.service.grpc.RpcError;

import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulators' errors carry the google.rpc details the services send (ErrorInfo with a stable reason in the
 * cartwright.dev domain, BadRequest naming the field, PreconditionFailure naming the subject, RetryInfo on
 * UNAVAILABLE), read back from grpc-status-details-bin as a gRPC client receives it; status and message are as before.
 */
@ExtendWith(VertxExtension.class)
class SimErrorDetailsTest {

    private static SimHarness harness;

    @BeforeAll
    static void start(Vertx vertx) {
        harness = SimHarness.start(vertx, SimHarness.testConfig());
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
    void a_missing_field_is_invalid_field_naming_it() {
        SimHarness.Failure failure = harness.failure(SimService.CUSTOMER, CustomerServiceGrpcClient.GetCustomer,
            GetCustomerRequest.getDefaultInstance());

        assertThat(failure.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(failure.message()).isEqualTo("customer_id is required");
        assertThat(failure.details()).as("grpc-status-details-bin").isNotNull();
        assertThat(failure.details().errorInfo().getReason()).isEqualTo(RpcError.INVALID_FIELD);
        assertThat(failure.details().errorInfo().getDomain()).isEqualTo(RpcError.DOMAIN);
        assertThat(failure.details().errorInfo().getMetadataMap()).containsEntry("field", "customer_id");
        assertThat(failure.details().fieldViolations()).containsExactly("customer_id");
    }

    @Test
    void a_nested_field_and_a_page_field_are_named_as_the_message_names_them() {
        SimHarness.Failure amount = harness.failure(SimService.PAYMENT, PaymentServiceGrpcClient.AuthorizePayment,
            AuthorizePaymentRequest.newBuilder().setIdempotencyKey("k-0").setCustomerId("123").setPaymentMethodId("visa-1")
                .setAmount(Money.newBuilder().setAmountMinor(0).setCurrencyCode("USD")).build());
        SimHarness.Failure page = harness.failure(SimService.CATALOG, CatalogServiceGrpcClient.ListProducts,
            ListProductsRequest.newBuilder().setPageToken("banana").build());

        assertThat(amount.message()).isEqualTo("amount.amount_minor must be > 0");
        assertThat(amount.details().fieldViolations()).containsExactly("amount.amount_minor");
        assertThat(page.message()).isEqualTo("page_token is not one this service issued: banana");
        assertThat(page.details().fieldViolations()).containsExactly("page_token");
    }

    @Test
    void something_missing_is_not_found_with_a_reason_naming_what() {
        SimHarness.Failure failure = harness.failure(SimService.CUSTOMER, CustomerServiceGrpcClient.GetCustomer,
            GetCustomerRequest.newBuilder().setCustomerId("missing-7").build());

        assertThat(failure.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(failure.message()).isEqualTo("no customer missing-7");
        assertThat(failure.details().errorInfo().getReason()).isEqualTo("CUSTOMER_NOT_FOUND");
    }

    @Test
    void too_little_stock_is_out_of_stock_with_the_product_as_the_subject() {
        SimHarness.Failure failure = harness.failure(SimService.WAREHOUSE, WarehouseServiceGrpcClient.ReserveStock,
            ReserveStockRequest.newBuilder().setReservationId("r-details").setTtlSeconds(60)
                .addLines(StockLine.newBuilder().setProductId("303").setQuantity(Catalogue.LOW_STOCK + 1)).build());

        assertThat(failure.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(failure.message()).isEqualTo("insufficient stock for product 303");
        assertThat(failure.details().errorInfo().getReason()).isEqualTo("OUT_OF_STOCK");
        assertThat(failure.details().preconditionViolations()).singleElement().satisfies(violation -> {
            assertThat(violation.getType()).isEqualTo("OUT_OF_STOCK");
            assertThat(violation.getSubject()).isEqualTo("products/303");
        });
    }

    @Test
    void a_simulator_that_is_down_says_when_to_retry() {
        harness.sim.knobs(SimService.CATALOG).down(true);

        SimHarness.Failure failure = harness.failure(SimService.CATALOG, CatalogServiceGrpcClient.GetProducts,
            GetProductsRequest.newBuilder().addProductIds("456").build());

        assertThat(failure.status()).isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(failure.details().errorInfo().getReason()).isEqualTo("SERVICE_UNAVAILABLE");
        assertThat(failure.details().errorInfo().getMetadataMap()).containsEntry("service", "catalog");
        assertThat(failure.details().retryDelay()).contains(Duration.ofSeconds(1));
    }
}
