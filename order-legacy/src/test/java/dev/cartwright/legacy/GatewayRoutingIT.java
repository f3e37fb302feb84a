package dev.cartwright.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.order.flags.FlagSetting;
import dev.cartwright.order.flags.ServiceRouting;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.proto.returns.v1.GetReturnRequestRequest;
import dev.cartwright.proto.returns.v1.ReturnRequest;
import dev.cartwright.proto.returns.v1.ReturnServiceGrpcClient;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway (real HAProxy on deploy/gateway/) in front of the Checkout Service, the Return Service and the Order
 * service's own endpoints: it buckets customers exactly as Java's {@link ServiceRouting} does, routes gRPC, HTTP/JSON
 * and gRPC-Web calls of one customer to one side, follows a share and a kill switch changed at run time, and sends
 * return calls by the return share alone.
 */
@ExtendWith(RealServices.class)
class GatewayRoutingIT {

    private static final String CHECKOUT_SIDE = "checkout_service";
    private static final String ORDER_CART_SIDE = "order_service_checkout";

    private static SplitStack stack;
    private static HttpClient http;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        stack = SplitStack.start(postgres, redis, kafka);
        http = stack.vertx.createHttpClient();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            SplitStack.await(http.close());
            stack.close();
        }
    }

    @BeforeEach
    void everyoneOnTheOrderService() {
        for (ServiceRouting service : ServiceRouting.values()) {
            stack.gateway.admin().useNewService(service, true);
            stack.gateway.admin().share(service, FlagSetting.OFF);
        }
    }

    @Test
    void theGatewayBucketsEveryCustomerExactlyAsJavaDoes() {
        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            subjects.add("customer-" + i);
        }
        subjects.add("someone@example.com");
        subjects.add("A-Z_a.z~0:9");
        subjects.add("a");
        subjects.add("abc");
        subjects.add("0123456789abcdef0123456789abcdef0123");
        for (String subject : subjects) {
            assertThat(bucketAtGateway("/v1/carts/_bucket", subject)).as(subject).isEqualTo(ServiceRouting.CHECKOUT.bucket(subject));
            assertThat(bucketAtGateway("/v1/returns/_bucket", subject)).as(subject).isEqualTo(ServiceRouting.RETURNS.bucket(subject));
        }
    }

    @Test
    void atFiftyPercentEachCustomerIsServedWhereTheBucketSaysOverGrpcHttpJsonAndGrpcWeb() {
        FlagSetting half = FlagSetting.percent(50);
        stack.gateway.admin().share(ServiceRouting.CHECKOUT, half);
        int onNew = 0;
        for (int i = 0; i < 30; i++) {
            String customer = "routing-" + i + "-" + System.nanoTime();
            String expected = ServiceRouting.CHECKOUT.servesNew(true, half, customer) ? CHECKOUT_SIDE : ORDER_CART_SIDE;
            onNew += expected.equals(CHECKOUT_SIDE) ? 1 : 0;

            SplitStack.Reply<Cart> created = stack.callNow(customer, CartServiceGrpcClient.CreateCart,
                CreateCartRequest.newBuilder().setCustomerId(customer).setCurrencyCode("USD").build());
            assertThat(created.ok()).as(created.message()).isTrue();
            assertThat(created.side()).as(customer).isEqualTo(expected);
            String cartId = created.body().getCartId();

            SplitStack.Reply<Cart> added = stack.callNow(customer, CartServiceGrpcClient.AddItem,
                AddItemRequest.newBuilder().setCartId(cartId).setProductId("456").setQuantity(2).build());
            assertThat(added.ok()).as(added.message()).isTrue();
            assertThat(added.side()).isEqualTo(expected);

            Answer json = stack.exchange(() -> http.request(new RequestOptions().setMethod(HttpMethod.GET)
                    .setHost("127.0.0.1").setPort(stack.gateway.port()).setURI("/v1/carts/" + cartId)
                    .putHeader("x-customer-id", customer).putHeader("content-type", "application/json"))
                .compose(req -> req.send().compose(Answer::of)));
            JsonObject body = json.body().toJsonObject();
            assertThat(json.status()).as(body.encode()).isEqualTo(200);
            assertThat(json.side()).isEqualTo(expected);
            assertThat(body.getString("cartId")).isEqualTo(cartId);
            assertThat(body.getString("version")).isEqualTo("2");

            Answer web = stack.exchange(() -> http.request(new RequestOptions().setMethod(HttpMethod.POST)
                    .setHost("127.0.0.1").setPort(stack.gateway.port()).setURI("/checkout.v1.CartService/GetCart")
                    .putHeader("x-customer-id", customer).putHeader("content-type", "application/grpc-web+proto")
                    .putHeader("x-grpc-web", "1"))
                .compose(req -> req.send(grpcWebFrame(GetCartRequest.newBuilder().setCartId(cartId).build().toByteArray()))
                    .compose(Answer::of)));
            assertThat(web.status()).isEqualTo(200);
            assertThat(web.side()).isEqualTo(expected);
            assertThat(web.body().toString(StandardCharsets.ISO_8859_1)).contains(cartId).contains("grpc-status:0");
        }
        // Thirty customers at 50%: both sides served some (the bucket arithmetic itself is checked above and in Java).
        assertThat(onNew).isBetween(1, 29);
    }

    @Test
    void theKillSwitchSendsEveryCustomerToTheOrderServiceAtOnceAndBackWhenOn() {
        stack.gateway.admin().share(ServiceRouting.CHECKOUT, FlagSetting.ON);
        String customer = "switch-" + System.nanoTime();
        SplitStack.Reply<Cart> onNew = stack.callNow(customer, CartServiceGrpcClient.CreateCart,
            CreateCartRequest.newBuilder().setCustomerId(customer).build());
        assertThat(onNew.side()).isEqualTo(CHECKOUT_SIDE);

        stack.gateway.admin().useNewService(ServiceRouting.CHECKOUT, false);
        SplitStack.Reply<Cart> rolledBack = stack.callNow(customer, CartServiceGrpcClient.CreateCart,
            CreateCartRequest.newBuilder().setCustomerId(customer).build());
        assertThat(rolledBack.ok()).as(rolledBack.message()).isTrue();
        assertThat(rolledBack.side()).isEqualTo(ORDER_CART_SIDE);
        assertThat(stack.gateway.admin().rollout()).containsEntry("USE_CHECKOUT_SERVICE", "0").containsEntry(
                "CHECKOUT_SERVICE_SHARE", "10000");

        stack.gateway.admin().useNewService(ServiceRouting.CHECKOUT, true);
        assertThat(stack.callNow(customer, CartServiceGrpcClient.CreateCart, CreateCartRequest.newBuilder().setCustomerId(customer).build())
            .side()).isEqualTo(CHECKOUT_SIDE);
    }

    @Test
    void returnCallsFollowTheReturnShareAndSwitchNotTheCheckoutOnes() {
        stack.gateway.admin().share(ServiceRouting.CHECKOUT, FlagSetting.ON);
        String customer = "returns-" + System.nanoTime();
        GetReturnRequestRequest unknown = GetReturnRequestRequest.newBuilder().setReturnId("00000000-0000-0000-0000-000000000000").build();

        SplitStack.Reply<ReturnRequest> legacy = stack.callNow(customer, ReturnServiceGrpcClient.GetReturnRequest, unknown);
        assertThat(legacy.side()).isEqualTo("order_service_returns");
        assertThat(legacy.status()).isEqualTo(GrpcStatus.NOT_FOUND);

        stack.gateway.admin().share(ServiceRouting.RETURNS, FlagSetting.ON);
        SplitStack.Reply<ReturnRequest> split = stack.callNow(customer, ReturnServiceGrpcClient.GetReturnRequest, unknown);
        assertThat(split.side()).isEqualTo("return_service");
        assertThat(split.status()).isIn(GrpcStatus.NOT_FOUND, GrpcStatus.INVALID_ARGUMENT);

        stack.gateway.admin().useNewService(ServiceRouting.RETURNS, false);
        assertThat(stack.callNow(customer, ReturnServiceGrpcClient.GetReturnRequest, unknown).side()).isEqualTo("order_service_returns");
    }

    private static int bucketAtGateway(String path, String subject) {
        Answer answer = stack.exchange(() -> http.request(new RequestOptions().setMethod(HttpMethod.GET)
                .setHost("127.0.0.1").setPort(stack.gateway.port()).setURI(path).putHeader("x-customer-id", subject))
            .compose(req -> req.send().compose(Answer::of)));
        return Integer.parseInt(answer.body().toString().trim());
    }

    /** An HTTP answer read whole on the event loop: status, the side that served it, body. */
    private record Answer(int status, String side, Buffer body) {
        static io.vertx.core.Future<Answer> of(HttpClientResponse response) {
            return response.body().map(body -> new Answer(response.statusCode(), response.getHeader("x-cartwright-side"), body));
        }
    }

    private static Buffer grpcWebFrame(byte[] message) {
        return Buffer.buffer().appendByte((byte) 0).appendInt(message.length).appendBytes(message);
    }
}
