package dev.cartwright.service.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwright.net.OnContext;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcService;
import dev.cartwright.proto.checkout.v1.CartServiceService;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;
import dev.cartwright.service.grpc.GrpcEndpoint;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.health.HealthService;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Key rotation with a JWKS: a real local JWKS endpoint served by the test, the keys fetched at start-up and again, and
 * a real gRPC endpoint in front of a stand-in service. A token signed by a key rotated into the document is accepted once
 * the set is fetched again; one signed by a key the document never had is refused, as is one signed by a key rotated out.
 */
class JwksRotationTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Vertx vertx = Vertx.vertx();
    private final AtomicReference<JsonObject> document = new AtomicReference<>(new JsonObject().put("keys", new JsonArray()));
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicInteger documentStatus = new AtomicInteger(200);

    @AfterEach
    void close() throws Exception {
        JwtEdgeTest.await(vertx.close());
    }

    private final class Echo extends CartServiceService {
        @Override
        public Future<Cart> getCart(GetCartRequest request) {
            return Future.succeededFuture(Cart.newBuilder().setCartId(request.getCartId())
                .setCustomerId(CallerContext.current().subject()).build());
        }
    }

    private String serveJwks() throws Exception {
        HttpServer server = JwtEdgeTest.await(vertx.createHttpServer().requestHandler(request -> {
            fetches.incrementAndGet();
            request.response().setStatusCode(documentStatus.get()).putHeader("content-type", "application/json")
                .end(document.get().encode());
        }).listen(0, "127.0.0.1"));
        return "http://127.0.0.1:" + server.actualPort() + "/.well-known/jwks.json";
    }

    private static Map<String, String> environment(String jwksUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("CARTWRIGHT_AUTH_MODE", "jwt");
        env.put("CARTWRIGHT_JWT_JWKS_URL", jwksUrl);
        env.put("CARTWRIGHT_JWT_JWKS_REFRESH", "1s");
        env.put("CARTWRIGHT_JWT_ISSUER", TestTokens.ISSUER);
        env.put("CARTWRIGHT_JWT_AUDIENCE", TestTokens.AUDIENCE);
        return env;
    }

    private void publish(TestTokens.RsaKey... keys) {
        JsonArray list = new JsonArray();
        for (TestTokens.RsaKey key : keys) {
            list.add(key.jwk());
        }
        document.set(new JsonObject().put("keys", list));
    }

    private SocketAddress start(Authenticator authenticator) throws Exception {
        int port = JwtEdgeTest.await(GrpcEndpoint.start(vertx, "127.0.0.1", 0, authenticator, HealthService.create(vertx),
            List.of(CartServiceGrpcService.of(new Echo())))).actualPort();
        return SocketAddress.inetSocketAddress(port, "127.0.0.1");
    }

    private GrpcStatus call(SocketAddress address, String token) throws Exception {
        GrpcClient client = GrpcClient.client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false));
        return JwtEdgeTest.await(OnContext.call(vertx, () -> client.request(address, CartServiceGrpcClient.GetCart).compose(request -> {
            request.headers().set("authorization", "Bearer " + token);
            request.end(GetCartRequest.newBuilder().setCartId("c1").build());
            return request.response().compose(response -> response.last().transform(ignored -> Future.succeededFuture(response.status())));
        })));
    }

    /** Calls until the call answers {@code wanted}, for at most {@link #WAIT}; returns what it answered last. */
    private GrpcStatus until(GrpcStatus wanted, SocketAddress address, String token) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        GrpcStatus status = call(address, token);
        while (status != wanted && System.nanoTime() < deadline) {
            Thread.sleep(200);
            status = call(address, token);
        }
        return status;
    }

    @Test
    void aRotatedInKeyIsAcceptedAfterRefreshAndAnUnknownOrRotatedOutKeyIsRefused() throws Exception {
        TestTokens.RsaKey first = TestTokens.RsaKey.generate("2026-01");
        TestTokens.RsaKey second = TestTokens.RsaKey.generate("2026-02");
        TestTokens.RsaKey stranger = TestTokens.RsaKey.generate("2026-02");
        publish(first);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Authenticator authenticator = Authenticator.from(vertx, AuthConfig.read(ConfigReader.from(environment(serveJwks())),
            "development"), registry);
        SocketAddress address = start(authenticator);
        JsonObject claims = TestTokens.claims("alice", Instant.now());

        // Fetched at start-up, before the endpoint listened.
        assertThat(fetches.get()).isPositive();
        assertThat(call(address, TestTokens.rs256(first, claims))).isEqualTo(GrpcStatus.OK);
        assertThat(call(address, TestTokens.rs256(second, claims))).isEqualTo(GrpcStatus.UNAUTHENTICATED);

        publish(first, second);
        assertThat(until(GrpcStatus.OK, address, TestTokens.rs256(second, claims))).as("the rotated-in key").isEqualTo(GrpcStatus.OK);
        // Same key id, another key: its signature does not verify.
        assertThat(call(address, TestTokens.rs256(stranger, claims))).isEqualTo(GrpcStatus.UNAUTHENTICATED);
        assertThat(call(address, TestTokens.rs256(TestTokens.RsaKey.generate("never-published"), claims)))
            .isEqualTo(GrpcStatus.UNAUTHENTICATED);
        assertThat(call(address, TestTokens.rs256(first, claims))).isEqualTo(GrpcStatus.OK);

        publish(second);
        assertThat(until(GrpcStatus.UNAUTHENTICATED, address, TestTokens.rs256(first, claims))).as("the rotated-out key")
            .isEqualTo(GrpcStatus.UNAUTHENTICATED);
        assertThat(call(address, TestTokens.rs256(second, claims))).isEqualTo(GrpcStatus.OK);
        // The claims are checked as with a fixed key.
        assertThat(call(address, TestTokens.rs256(second, claims.copy().put("aud", "someone-else")))).isEqualTo(GrpcStatus.UNAUTHENTICATED);
        assertThat(call(address, TestTokens.unsigned(claims))).isEqualTo(GrpcStatus.UNAUTHENTICATED);

        String scrape = registry.scrape();
        assertThat(scrape).contains("cartwright_jwks_keys").contains("cartwright_jwks_fetches_total{outcome=\"ok\"}")
            .contains("cartwright_auth_rejected_total{reason=\"unknown_key\"}").contains("cartwright_jwks_age_seconds");
    }

    @Test
    void aDocumentThatCannotBeLoadedStopsStartUpAndABadOneLaterKeepsTheKeysInForce() throws Exception {
        String url = serveJwks();
        documentStatus.set(503);
        Authenticator unreachable = Authenticator.from(vertx, AuthConfig.read(ConfigReader.from(environment(url)), "development"));
        assertThatThrownBy(() -> start(unreachable)).hasMessageContaining("CARTWRIGHT_JWT_JWKS_URL").hasMessageContaining("503");

        documentStatus.set(200);
        TestTokens.RsaKey key = TestTokens.RsaKey.generate("k1");
        // A symmetric key in a JWKS would let anyone who reads the document sign tokens: it is not taken.
        document.set(new JsonObject().put("keys", new JsonArray().add(new JsonObject().put("kty", "oct").put("kid", "k0")
            .put("k", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"))));
        Authenticator symmetricOnly = Authenticator.from(vertx, AuthConfig.read(ConfigReader.from(environment(url)), "development"));
        assertThatThrownBy(() -> start(symmetricOnly)).hasMessageContaining("no usable signing key");

        publish(key);
        SocketAddress address = start(Authenticator.from(vertx, AuthConfig.read(ConfigReader.from(environment(url)), "development")));
        JsonObject claims = TestTokens.claims("bob", Instant.now());
        assertThat(call(address, TestTokens.rs256(key, claims))).isEqualTo(GrpcStatus.OK);
        // The issuer breaks: every fetch from now on fails, and the keys in force keep working.
        documentStatus.set(500);
        int before = fetches.get();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (fetches.get() == before && System.nanoTime() < deadline) {
            assertThat(call(address, TestTokens.rs256(key, claims))).isEqualTo(GrpcStatus.OK);
            Thread.sleep(200);
        }
        assertThat(fetches.get()).as("a refresh was attempted").isGreaterThan(before);
        assertThat(call(address, TestTokens.rs256(key, claims))).isEqualTo(GrpcStatus.OK);
    }

    @Test
    void aJwksUrlMustBeHttpsUnlessItIsOnLoopbackAndNotNextToAKey() {
        Map<String, String> plain = environment("http://keys.example.com/jwks.json");
        assertThatThrownBy(() -> AuthConfig.read(ConfigReader.from(plain), "development")).isInstanceOf(ConfigException.class)
            .hasMessageContaining("CARTWRIGHT_JWT_JWKS_URL").hasMessageContaining("https");
        Map<String, String> both = environment("https://keys.example.com/jwks.json");
        both.put("CARTWRIGHT_JWT_KEY", "x".repeat(40));
        assertThatThrownBy(() -> AuthConfig.read(ConfigReader.from(both), "development")).isInstanceOf(ConfigException.class)
            .hasMessageContaining("not both");
        assertThat(AuthConfig.read(ConfigReader.from(environment("https://keys.example.com/jwks.json")), "development").keys())
            .isInstanceOf(AuthConfig.Keys.Jwks.class);
    }
}
