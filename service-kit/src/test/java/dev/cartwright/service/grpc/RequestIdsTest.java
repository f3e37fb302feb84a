package dev.cartwright.service.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.returns.v1.CreateReturnRequest;
import dev.cartwright.proto.returns.v1.ReturnItemRequest;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void aControlCharacterInAnIdIsNamedWithItsField() {
        assertThat(RequestIds.problem(AddItemRequest.newBuilder().setCartId("c\u0000").build()))
            .isEqualTo("cart_id must not contain control characters");
        assertThat(RequestIds.problem(AddItemRequest.newBuilder().setCartId("c1").setIdempotencyKey("k\u001f").build()))
            .isEqualTo("idempotency_key must not contain control characters");
        assertThat(RequestIds.problem(CreateReturnRequest.newBuilder().setOrderId("o-1")
            .addItems(ReturnItemRequest.newBuilder().setOrderItemId("1"))
            .addItems(ReturnItemRequest.newBuilder().setOrderItemId("2\u0085")).build()))
            .isEqualTo("items.order_item_id must not contain control characters");
    }

    @Test
    void cleanIdsAndControlCharactersOutsideIdsPass() {
        assertThat(RequestIds.problem(AddItemRequest.newBuilder().setCartId("c-1").setProductId("456").setQuantity(2).build()))
            .isNull();
        assertThat(RequestIds.problem(CreateReturnRequest.newBuilder().setOrderId("o-1").setNote("line one\nline two")
            .addItems(ReturnItemRequest.newBuilder().setOrderItemId("1").setNote("a\tb")).build())).isNull();
        assertThat(RequestIds.problem("not a message")).isNull();
    }
}
