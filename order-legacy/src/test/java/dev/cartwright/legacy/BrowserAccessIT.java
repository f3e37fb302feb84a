package dev.cartwright.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.order.flags.FlagSetting;
import dev.cartwright.order.flags.ServiceRouting;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A storefront page on another origin calling from a browser, as the browser does it (a preflight, then the call with
 * its Origin): on the Checkout Service, the Return Service and through the gateway (real HAProxy) whichever side
 * serves the customer. An allowed origin gets the CORS headers and the gRPC status headers exposed; another origin is
 * refused and its call changes nothing.
 */
@ExtendWith(RealServices.class)
class BrowserAccessIT {

    private static final String SHOP = "https://shop.example.com";
    private static final String OTHER = "https://other.example";

    private static SplitStack stack;
    private static HttpClient http;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        stack = SplitStack.start(postgres, redis, kafka, Map.of("CARTWRIGHT_CORS_ORIGINS", SHOP));
        http = stack.vertx.createHttpClient();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            SplitStack.await(http.close());
            stack.close();
        }
    }

    private record Reply(int status, MultiMap headers, Buffer body) {
    }

    private static Reply send(int port, HttpMethod method, String uri, Map<String, String> headers, String body) {
        RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
        headers.forEach(options::putHeader);
        return stack.exchange(() -> http.request(options).compose(request -> (body == null ? request.send() : request.send(body))
            .compose(response -> response.body().map(b -> new Reply(response.statusCode(), response.headers(), b)))));
    }

    private static Reply preflight(int port, String path, String origin) {
        return send(port, HttpMethod.OPTIONS, path, Map.of("origin", origin, "access-control-request-method", "POST",
            "access-control-request-headers", "content-type,x-grpc-web,x-user-agent,authorization,x-customer-id"), null);
    }

    private static void assertAllowed(int port, String where) {
        for (String path : List.of("/checkout.v1.CartService/CreateCart", "/v1/carts", "/return.v1.ReturnService/GetReturnRequest")) {
            Reply allowed = preflight(port, path, SHOP);
            assertThat(allowed.status()).as(where + " " + path).isEqualTo(204);
            assertThat(allowed.headers().get("access-control-allow-origin")).as(where + " " + path).isEqualTo(SHOP);
            assertThat(allowed.headers().get("access-control-allow-headers")).contains("x-grpc-web", "authorization", "x-customer-id");

            Reply refused = preflight(port, path, OTHER);
            assertThat(refused.status()).as(where + " " + path).isEqualTo(403);
            assertThat(refused.headers().get("access-control-allow-origin")).isNull();
        }
    }

    private static Reply createCart(int port, String origin, String customer) {
        return send(port, HttpMethod.POST, "/v1/carts", Map.of("origin", origin, "content-type", "application/json",
            "x-customer-id", customer), new JsonObject().put("customer_id", customer).put("currency_code", "USD").encode());
    }

    @Test
    void bothServicesAnswerAnAllowedOriginsPreflightAndRefuseAnotherOrigin() {
        assertAllowed(stack.checkout.grpcPort(), "checkout");
        assertAllowed(stack.returns.grpcPort(), "returns");

        Reply created = createCart(stack.checkout.grpcPort(), SHOP, "browser-1");
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.headers().get("access-control-allow-origin")).isEqualTo(SHOP);
        assertThat(created.headers().get("access-control-expose-headers")).contains("grpc-status", "grpc-message",
            "grpc-status-details-bin");

        Reply refused = createCart(stack.checkout.grpcPort(), OTHER, "browser-2");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.headers().get("access-control-allow-origin")).isNull();
        assertThat(new JsonObject(refused.body()).getInteger("code")).isEqualTo(7);
    }

    @Test
    void theGatewayPassesTheExchangeThroughWhicheverSideServes() {
        int gateway = stack.gateway.port();
        for (FlagSetting share : List.of(FlagSetting.OFF, FlagSetting.ON)) {
            for (ServiceRouting service : ServiceRouting.values()) {
                stack.gateway.admin().useNewService(service, true);
                stack.gateway.admin().share(service, share);
            }
            String side = share == FlagSetting.OFF ? "order_service_checkout" : "checkout_service";
            assertAllowed(gateway, "gateway at " + share);

            Reply created = createCart(gateway, SHOP, "browser-gw-" + share.basisPoints());
            assertThat(created.status()).as(side).isEqualTo(200);
            assertThat(created.headers().get("x-cartwright-side")).isEqualTo(side);
            assertThat(created.headers().get("access-control-allow-origin")).isEqualTo(SHOP);
            assertThat(created.headers().get("access-control-expose-headers")).contains("grpc-status", "x-cartwright-side");

            Reply refused = createCart(gateway, OTHER, "browser-gw-other-" + share.basisPoints());
            assertThat(refused.status()).as(side).isEqualTo(403);
            assertThat(refused.headers().get("access-control-allow-origin")).isNull();
        }
    }
}
