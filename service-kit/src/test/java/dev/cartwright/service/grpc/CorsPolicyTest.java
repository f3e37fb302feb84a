package dev.cartwright.service.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwright.net.OnContext;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcService;
import dev.cartwright.proto.checkout.v1.CartServiceService;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.service.auth.Authenticator;
import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.grpc.health.HealthService;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which web origins may call from a browser: the setting read and checked, and the CORS exchange on a real endpoint
 * (preflight, gRPC-Web and HTTP/JSON calls, a refused origin changing nothing).
 */
class CorsPolicyTest {

    private static final String SHOP = "https://shop.example.com";

    private final Vertx vertx = Vertx.vertx();
    /** GetCart calls that reached the service. */
    private final AtomicInteger served = new AtomicInteger();

    @AfterEach
    void close() throws Exception {
        await(vertx.close());
    }

    private static CorsPolicy read(String value, boolean development) {
        return CorsPolicy.read(ConfigReader.from(value == null ? Map.of() : Map.of(CorsPolicy.SETTING, value)), development);
    }

    @Test
    void theDefaultIsNoCrossOriginAccessAndDevelopmentModeAllowsLoopbackPagesOnly() {
        CorsPolicy production = read(null, false);
        assertThat(production.allows(SHOP)).isFalse();
        assertThat(production.allows("http://localhost:5173")).isFalse();

        CorsPolicy development = read(null, true);
        assertThat(development.allows("http://localhost:5173")).isTrue();
        assertThat(development.allows("http://127.0.0.1:9080")).isTrue();
        assertThat(development.allows("http://[::1]:8080")).isTrue();
        assertThat(development.allows(SHOP)).isFalse();
        assertThat(development.allows("http://localhost.evil.example")).isFalse();
        assertThat(development.allows("null")).isFalse();

        assertThat(read("none", true).allows("http://localhost:5173")).isFalse();
    }

    @Test
    void listedOriginsAreComparedNormalised() {
        CorsPolicy policy = read(" https://Shop.Example.com:443 , http://storefront.test:8080 ", false);
        assertThat(policy.origins()).containsExactlyInAnyOrder(SHOP, "http://storefront.test:8080");
        assertThat(policy.allows(SHOP)).isTrue();
        assertThat(policy.allows("https://SHOP.example.com")).isTrue();
        assertThat(policy.allows("http://shop.example.com")).isFalse();
        assertThat(policy.allows("https://shop.example.com:8443")).isFalse();
        assertThat(policy.allows("http://storefront.test:8080")).isTrue();
        assertThat(policy.allows("http://storefront.test")).isFalse();
        assertThat(policy.allows("https://evil.example")).isFalse();
    }

    @Test
    void aValueThatIsNotAListOfOriginsFailsNamingTheSettingAndTheEntry() {
        for (String bad : List.of("*", "shop.example.com", "ftp://shop.example.com", "https://shop.example.com/",
                "https://shop.example.com/app", "https://user@shop.example.com", "https://shop.example.com?x=1", "https://")) {
            assertThatThrownBy(() -> read(SHOP + "," + bad, false))
                .as(bad)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(CorsPolicy.SETTING);
        }
        assertThatThrownBy(() -> read("https://shop.example.com/", false)).hasMessageContaining("'https://shop.example.com/'");
    }

    private final class CountingCarts extends CartServiceService {
        @Override
        public Future<Cart> getCart(GetCartRequest request) {
            served.incrementAndGet();
            return Future.succeededFuture(Cart.newBuilder().setCartId(request.getCartId()).build());
        }
    }

    private int start(CorsPolicy cors) throws Exception {
        HealthService health = HealthService.create(vertx);
        return await(GrpcEndpoint.start(vertx, "127.0.0.1", 0, Authenticator.development(), cors, health,
            List.of(CartServiceGrpcService.of(new CountingCarts())))).actualPort();
    }

    private record Reply(int status, MultiMap headers, Buffer body) {
    }

    private Reply send(int port, HttpMethod method, String uri, Map<String, String> headers, Buffer body) throws Exception {
        RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
        headers.forEach(options::putHeader);
        return await(OnContext.call(vertx, () ->
            vertx.createHttpClient().request(options).compose(request -> (body == null ? request.send() : request.send(body))
            .compose(response -> response.body().map(b -> new Reply(response.statusCode(), response.headers(), b))))));
    }

    private Reply preflight(int port, String origin) throws Exception {
        return send(port, HttpMethod.OPTIONS, "/checkout.v1.CartService/GetCart", Map.of("origin", origin,
            "access-control-request-method", "POST", "access-control-request-headers", "content-type,x-grpc-web,x-user-agent"), null);
    }

    private static Buffer getCartFrame() {
        byte[] message = GetCartRequest.newBuilder().setCartId("c1").build().toByteArray();
        return Buffer.buffer().appendByte((byte) 0).appendInt(message.length).appendBytes(message);
    }

    @Test
    void anAllowedOriginsPreflightIsAnsweredAndItsCallsExposeTheGrpcStatusHeaders() throws Exception {
        int port = start(read(SHOP, false));

        Reply preflight = preflight(port, SHOP);
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.headers().get("access-control-allow-origin")).isEqualTo(SHOP);
        assertThat(preflight.headers().get("access-control-allow-methods")).contains("POST");
        assertThat(preflight.headers().get("access-control-allow-headers")).contains("content-type", "x-grpc-web", "x-user-agent",
            "authorization");
        assertThat(served).hasValue(0);

        Reply web = send(port, HttpMethod.POST, "/checkout.v1.CartService/GetCart", Map.of("origin", SHOP,
            "content-type", "application/grpc-web+proto", "x-grpc-web", "1"), getCartFrame());
        assertThat(web.status()).isEqualTo(200);
        // A successful gRPC-Web reply carries its status in the trailer frame at the end of the body.
        assertThat(web.body().toString()).contains("grpc-status:0");
        assertThat(web.headers().get("access-control-allow-origin")).isEqualTo(SHOP);
        assertThat(Set.of(web.headers().get("access-control-expose-headers").split(",\\s*")))
            .contains("grpc-status", "grpc-message", "grpc-status-details-bin");

        Reply json = send(port, HttpMethod.GET, "/v1/carts/c1", Map.of("origin", SHOP), null);
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.body().toString()).contains("\"c1\"");
        assertThat(json.headers().get("access-control-allow-origin")).isEqualTo(SHOP);
        assertThat(served).hasValue(2);
    }

    @Test
    void anOriginNotAllowedGetsNoCorsHeadersAndItsCallsReachNoService() throws Exception {
        int port = start(read(SHOP, false));

        Reply preflight = preflight(port, "https://evil.example");
        assertThat(preflight.status()).isEqualTo(403);
        assertThat(preflight.headers().get("access-control-allow-origin")).isNull();

        Reply web = send(port, HttpMethod.POST, "/checkout.v1.CartService/GetCart", Map.of("origin", "https://evil.example",
            "content-type", "application/grpc-web+proto", "x-grpc-web", "1"), getCartFrame());
        assertThat(web.status()).isEqualTo(403);
        assertThat(web.headers().get("access-control-allow-origin")).isNull();
        Reply json = send(port, HttpMethod.POST, "/v1/carts", Map.of("origin", "https://evil.example",
            "content-type", "text/plain"), Buffer.buffer("{}"));
        assertThat(json.status()).isEqualTo(403);
        assertThat(json.body().toString()).contains("\"code\":7").contains("https://evil.example");
        assertThat(served).hasValue(0);

        // A caller that is not a browser sends no Origin and is not concerned.
        Reply curl = send(port, HttpMethod.GET, "/v1/carts/c1", Map.of(), null);
        assertThat(curl.status()).isEqualTo(200);
        assertThat(curl.headers().get("access-control-allow-origin")).isNull();
    }

    @Test
    void theEndpointsDefaultFollowsTheMode() throws Exception {
        HealthService health = HealthService.create(vertx);
        int port = await(GrpcEndpoint.start(vertx, "127.0.0.1", 0, Authenticator.development(), health,
            List.of(CartServiceGrpcService.of(new CountingCarts())))).actualPort();
        assertThat(preflight(port, "http://localhost:5173").status()).isEqualTo(204);
        assertThat(preflight(port, SHOP).status()).isEqualTo(403);
    }

    private static <T> T await(Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
