package dev.cartwright.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartLine;
import dev.cartwright.proto.checkout.v1.CartStatus;
import dev.cartwright.proto.common.v1.Money;
import io.vertx.grpc.common.GrpcStatus;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The fallback caller prints what grpcurl prints, so that scripts (and people) read the same either way. */
class GrpcCallTest {

    @Test
    void aReplyPrintsWithJsonNamesInt64AsStringsEnumsByNameAndOneMemberPerLine() throws Exception {
        Cart cart = Cart.newBuilder().setCartId("c-1").setCustomerId("123").setStatus(CartStatus.CART_STATUS_ACTIVE)
            .addItems(CartLine.newBuilder().setProductId("456").setQuantity(2)
                .setUnitPrice(Money.newBuilder().setAmountMinor(1999).setCurrencyCode("USD")))
            .addItems(CartLine.newBuilder().setProductId("457").setQuantity(1))
            .setVersion(3).setCurrencyCode("USD").build();

        assertThat(GrpcCall.format(cart, false)).isEqualTo("""
            {
              "cartId": "c-1",
              "customerId": "123",
              "status": "CART_STATUS_ACTIVE",
              "items": [
                {
                  "productId": "456",
                  "quantity": 2,
                  "unitPrice": {
                    "amountMinor": "1999",
                    "currencyCode": "USD"
                  }
                },
                {
                  "productId": "457",
                  "quantity": 1
                }
              ],
              "version": "3",
              "currencyCode": "USD"
            }""");
    }

    @Test
    void emptyMessagesAndListsStayOnOneLineAndDefaultsAppearOnlyWhenAskedFor() throws Exception {
        assertThat(GrpcCall.format(Cart.getDefaultInstance(), false)).isEqualTo("{}");
        String withDefaults = GrpcCall.format(Cart.getDefaultInstance(), true);
        assertThat(withDefaults).contains("\n  \"items\": [],\n").contains("\n  \"version\": \"0\",\n")
            .startsWith("{\n  \"cartId\": \"\",");
    }

    @Test
    void stringsAreEscapedAsGoEscapesThem() throws Exception {
        Cart cart = Cart.newBuilder().setCartId("a<b>&c=d'e\"f\\g\nh\u0001i\u2028").build();
        assertThat(GrpcCall.format(cart, false))
            .isEqualTo("{\n  \"cartId\": \"a\\u003cb\\u003e\\u0026c=d'e\\\"f\\\\g\\nh\\u0001i\\u2028\"\n}");
    }

    @Test
    void aFailedCallIsReportedWithTheGoCodeNameAndEachDetail() throws Exception {
        Status details = Status.newBuilder().setCode(14).setMessage("cart store unavailable")
            .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("CART_STORE_UNAVAILABLE").setDomain("cartwright.dev").build()))
            .addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(Duration.newBuilder().setSeconds(1)).build()))
            .build();
        String bin = Base64.getEncoder().withoutPadding().encodeToString(details.toByteArray());

        assertThat(GrpcCall.error(GrpcStatus.UNAVAILABLE, "cart store unavailable", bin)).isEqualTo("""
            ERROR:
              Code: Unavailable
              Message: cart store unavailable
              Details:
              1)\t{
                \t  "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                \t  "reason": "CART_STORE_UNAVAILABLE",
                \t  "domain": "cartwright.dev"
                \t}
              2)\t{
                \t  "@type": "type.googleapis.com/google.rpc.RetryInfo",
                \t  "retryDelay": "1s"
                \t}
            """);
        assertThat(GrpcCall.error(GrpcStatus.NOT_FOUND, "no such cart", null))
            .isEqualTo("ERROR:\n  Code: NotFound\n  Message: no such cart\n");
        assertThat(GrpcCall.goName(GrpcStatus.CANCELLED)).isEqualTo("Canceled");
        assertThat(GrpcCall.goName(GrpcStatus.FAILED_PRECONDITION)).isEqualTo("FailedPrecondition");
        assertThat(GrpcCall.EXIT_STATUS_OFFSET + GrpcStatus.NOT_FOUND.code).isEqualTo(69);
    }
}
