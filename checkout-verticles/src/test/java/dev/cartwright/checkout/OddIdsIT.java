package dev.cartwright.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.checkout.CheckoutHarness.Reply;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CheckoutServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.proto.checkout.v1.GetCheckoutRequest;
import dev.cartwright.proto.checkout.v1.MergeCartsRequest;
import dev.cartwright.proto.checkout.v1.StartCheckoutRequest;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Odd ids never reach a handler and never make a 500: a NUL or another control character in any id, and a string
 * that is not UTF-8, are INVALID_ARGUMENT over gRPC and 400 with code 3 over HTTP/JSON, and nothing changes.
 */
@ExtendWith(RealServices.class)
class OddIdsIT {

    private static final List<String> ODD = List.of("cart\u0000id", "\u0000", "cart\u0007", "a\nb", "x\u007f", "\u0085y");

    private static CheckoutHarness harness;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        harness = CheckoutHarness.start(postgres, redis, kafka, Map.of());
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    private static void assertInvalid(Reply<?> reply, String field) {
        assertThat(reply.status()).as("%s", reply.message()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(reply.message()).contains(field);
    }

    @Test
    void aControlCharacterInAnyIdIsInvalidArgumentOverGrpc() {
        Cart cart = harness.callNow(CartServiceGrpcClient.CreateCart, CreateCartRequest.getDefaultInstance()).body();
        for (String odd : ODD) {
            assertInvalid(harness.callNow(CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId(odd).build()), "cart_id");
            assertInvalid(harness.callNow(CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder().setCartId(cart.getCartId())
                .setProductId("456" + odd).setQuantity(1).build()), "product_id");
            assertInvalid(harness.callNow(CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder().setCartId(cart.getCartId())
                .setProductId("456").setQuantity(1).setIdempotencyKey("k" + odd).build()), "idempotency_key");
            assertInvalid(harness.callNow(CartServiceGrpcClient.CreateCart, CreateCartRequest.newBuilder().setCustomerId(odd).build()),
                "customer_id");
            assertInvalid(harness.callNow(CartServiceGrpcClient.MergeCarts, MergeCartsRequest.newBuilder().setSourceCartId(odd)
                .setCustomerId("c-1").build()), "source_cart_id");
            assertInvalid(harness.callNow(CheckoutServiceGrpcClient.GetCheckout, GetCheckoutRequest.newBuilder().setCheckoutId(odd)
                .build()), "checkout_id");
            assertInvalid(harness.callNow(CheckoutServiceGrpcClient.StartCheckout, StartCheckoutRequest.newBuilder().setCartId(odd)
                .build()), "cart_id");
        }
        Cart after = harness.callNow(CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId(cart.getCartId()).build())
            .body();
        assertThat(after.getVersion()).isEqualTo(cart.getVersion());
    }

    @Test
    void aStringThatIsNotUtf8IsInvalidArgumentOverGrpc() {
        // Before: the server could not decode the request and reset the stream without any status.
        Cart cart = harness.callNow(CartServiceGrpcClient.CreateCart, CreateCartRequest.getDefaultInstance()).body();
        byte[] wire = AddItemRequest.newBuilder().setCartId(cart.getCartId()).setProductId("@@@@").setQuantity(1).build().toByteArray();
        byte[] marker = "@@@@".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(wire, marker);
        byte[] notUtf8 = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE};
        System.arraycopy(notUtf8, 0, wire, at, notUtf8.length);
        ServiceMethod<Buffer, Buffer> addItem = ServiceMethod.client(ServiceName.create("checkout.v1.CartService"), "AddItem",
            GrpcMessageEncoder.IDENTITY, GrpcMessageDecoder.IDENTITY);

        Reply<Buffer> reply = harness.callNow(addItem, Buffer.buffer(wire));

        assertThat(reply.status()).as("%s", reply.message()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        Cart after = harness.callNow(CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId(cart.getCartId()).build())
            .body();
        assertThat(after.getVersion()).isEqualTo(cart.getVersion());
    }

    @Test
    void oddIdsAreA400OverHttpJsonNeverA500() {
        Cart cart = harness.callNow(CartServiceGrpcClient.CreateCart, CreateCartRequest.getDefaultInstance()).body();
        HttpClient http = harness.clientVertx.createHttpClient();
        try {
            record Call(HttpMethod method, String uri, byte[] body) {
            }
            List<Call> calls = List.of(
                new Call(HttpMethod.GET, "/v1/carts/abc%00def", null),
                new Call(HttpMethod.GET, "/v1/carts/%07", null),
                new Call(HttpMethod.GET, "/v1/carts/%FF%FE", null),
                new Call(HttpMethod.GET, "/v1/checkouts/%00", null),
                new Call(HttpMethod.DELETE, "/v1/carts/" + cart.getCartId() + "/items/p%00q", null),
                new Call(HttpMethod.POST, "/v1/carts/" + cart.getCartId() + "/items",
                    "{\"product_id\":\"45\\u00006\",\"quantity\":1}".getBytes(StandardCharsets.UTF_8)),
                new Call(HttpMethod.POST, "/v1/carts/" + cart.getCartId() + "/items",
                    "{\"product_id\":\"456\",\"quantity\":1,\"idempotency_key\":\"k\\u0001\"}".getBytes(StandardCharsets.UTF_8)),
                new Call(HttpMethod.POST, "/v1/carts", new byte[] {'{', '"', 'c', 'u', 's', 't', 'o', 'm', 'e', 'r', '_', 'i', 'd', '"',
                    ':', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'}));
            for (Call call : calls) {
                RequestOptions options = new RequestOptions().setMethod(call.method()).setHost("127.0.0.1")
                    .setPort(harness.service.grpcPort()).setURI(call.uri()).putHeader("content-type", "application/json")
                    .setIdleTimeout(10_000);
                record Answer(int status, String body) {
                }
                Answer answer = harness.exchange(() -> http.request(options)
                    .compose(req -> call.body() == null ? req.send() : req.send(Buffer.buffer(call.body())))
                    .compose(resp -> resp.body().map(body -> new Answer(resp.statusCode(), body.toString(StandardCharsets.UTF_8)))));
                assertThat(answer.status()).as("%s %s: %s", call.method(), call.uri(), answer.body()).isEqualTo(400);
                assertThat(new JsonObject(answer.body()).getInteger("code")).as("%s", call.uri())
                    .isEqualTo(GrpcStatus.INVALID_ARGUMENT.code);
            }
        } finally {
            CheckoutHarness.await(http.close());
        }
        Cart after = harness.callNow(CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId(cart.getCartId()).build())
            .body();
        assertThat(after.getVersion()).isEqualTo(cart.getVersion());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            boolean match = true;
            for (int j = 0; j < needle.length && match; j++) {
                match = haystack[i + j] == needle[j];
            }
            if (match) {
                return i;
            }
        }
        throw new IllegalArgumentException("marker not found");
    }
}
