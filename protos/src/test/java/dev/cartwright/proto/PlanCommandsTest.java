package dev.cartwright.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.ConfirmCheckoutRequest;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.StartCheckoutRequest;
import dev.cartwright.proto.returns.v1.ApproveReturnRequest;
import dev.cartwright.proto.returns.v1.CreateReturnRequest;
import org.junit.jupiter.api.Test;

/**
 * The request bodies of the plan's "Manual Testing" section, verbatim, must parse into our
 * request messages with nothing unknown: the field names are part of the contract.
 */
class PlanCommandsTest {

    private static <T extends Message.Builder> T parse(String json, T builder) throws InvalidProtocolBufferException {
        JsonFormat.parser().merge(json, builder);
        return builder;
    }

    @Test
    void createCart() throws Exception {
        assertThat(parse("{\"customer_id\":\"123\"}", CreateCartRequest.newBuilder()).getCustomerId()).isEqualTo("123");
    }

    @Test
    void addItem() throws Exception {
        AddItemRequest r = parse("{\"cart_id\":\"c1\",\"product_id\":\"456\",\"quantity\":2}", AddItemRequest.newBuilder()).build();
        assertThat(r.getCartId()).isEqualTo("c1");
        assertThat(r.getProductId()).isEqualTo("456");
        assertThat(r.getQuantity()).isEqualTo(2);
        assertThat(r.hasExpectedVersion()).isFalse();
    }

    @Test
    void startAndConfirmCheckout() throws Exception {
        assertThat(parse("{\"cart_id\":\"c1\"}", StartCheckoutRequest.newBuilder()).getCartId()).isEqualTo("c1");
        ConfirmCheckoutRequest c = parse("{\"checkout_id\":\"k1\",\"payment_method_id\":\"789\"}",
            ConfirmCheckoutRequest.newBuilder()).build();
        assertThat(c.getCheckoutId()).isEqualTo("k1");
        assertThat(c.getPaymentMethodId()).isEqualTo("789");
    }

    @Test
    void createReturnRequestWithAPlainReasonWord() throws Exception {
        CreateReturnRequest r = parse(
            "{\"order_id\":\"o1\",\"items\":[{\"order_item_id\":\"1\",\"quantity\":1,\"reason\":\"defective\"}]}",
            CreateReturnRequest.newBuilder()).build();
        assertThat(r.getOrderId()).isEqualTo("o1");
        assertThat(r.getItemsList()).singleElement().satisfies(item -> {
            assertThat(item.getOrderItemId()).isEqualTo("1");
            assertThat(item.getQuantity()).isEqualTo(1);
            assertThat(item.getReason()).isEqualTo("defective");
        });
    }

    @Test
    void approveReturn() throws Exception {
        assertThat(parse("{\"return_id\":\"r1\"}", ApproveReturnRequest.newBuilder()).getReturnId()).isEqualTo("r1");
    }

    @Test
    void unknownFieldsAreRefused() {
        assertThatThrownBy(() -> parse("{\"customerId\":\"1\",\"colour\":\"red\"}", CreateCartRequest.newBuilder()))
            .isInstanceOf(InvalidProtocolBufferException.class)
            .hasMessageContaining("colour");
    }
}
