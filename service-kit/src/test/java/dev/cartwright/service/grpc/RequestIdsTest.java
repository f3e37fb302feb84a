package dev.cartwright.service.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.UpdateAddressRequest;
import dev.cartwright.proto.common.v1.Address;
import dev.cartwright.proto.returns.v1.CreateReturnRequest;
import dev.cartwright.proto.returns.v1.ReturnItemRequest;
import io.vertx.grpc.common.GrpcStatus;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void aControlCharacterInAnIdIsNamedWithItsField() {
        assertThat(RequestIds.problem(AddItemRequest.newBuilder().setCartId("c\u0000").build()).getMessage())
            .isEqualTo("cart_id must not contain control characters");
        assertThat(RequestIds.problem(AddItemRequest.newBuilder().setCartId("c1").setIdempotencyKey("k\u001f").build()).getMessage())
            .isEqualTo("idempotency_key must not contain control characters");
        RpcError nested = RequestIds.problem(CreateReturnRequest.newBuilder().setOrderId("o-1")
            .addItems(ReturnItemRequest.newBuilder().setOrderItemId("1"))
            .addItems(ReturnItemRequest.newBuilder().setOrderItemId("2\u0085")).build());
        assertThat(nested.getMessage()).isEqualTo("items[1].order_item_id must not contain control characters");
        assertThat(nested.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(nested.reason()).isEqualTo(RpcError.INVALID_FIELD);
        assertThat(new RpcError.Received(nested.toStatus()).fieldViolations()).containsExactly("items[1].order_item_id");
    }

    @Test
    void cleanIdsAndControlCharactersOutsideIdsPass() {
        assertThat(RequestIds.problem(AddItemRequest.newBuilder().setCartId("c-1").setProductId("456").setQuantity(2).build()))
            .isNull();
        assertThat(RequestIds.problem(CreateReturnRequest.newBuilder().setOrderId("o-1").setNote("line one\nline two")
            .addItems(ReturnItemRequest.newBuilder().setOrderItemId("1").setNote("a\tb")).build())).isNull();
        assertThat(RequestIds.problem("not a message")).isNull();
    }

    @Test
    void aNestedMessageIsLookedIntoAndItsOtherFieldsAreLeftAlone() {
        Address odd = Address.newBuilder().setName("Ada\u0007").setLine1("1 Main St").build();
        assertThat(RequestIds.problem(UpdateAddressRequest.newBuilder().setCheckoutId("co-1").setAddress(odd).build())).isNull();
        assertThat(RequestIds.problem(UpdateAddressRequest.newBuilder().setCheckoutId("co\u007f1").setAddress(odd).build())
            .getMessage()).isEqualTo("checkout_id must not contain control characters");
        assertThat(RequestIds.problem(UpdateAddressRequest.newBuilder().setAddress(odd).setIdempotencyKey("k\n").build())
            .getMessage()).isEqualTo("idempotency_key must not contain control characters");
    }
}
