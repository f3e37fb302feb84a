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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.health.HealthService;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The jwt mode at a real endpoint (a real gRPC server on loopback, a stand-in service behind it): only a token signed
 * with the configured key that names the configured issuer and audience and carries an expiry reaches the service; every
 * other token is UNAUTHENTICATED before the service method runs. Also what jwt mode refuses at start-up.
 */
class JwtEdgeTest {

    private static final String SECRET = "a-shared-secret-of-at-least-32-bytes-for-hs256";

    private final Vertx vertx = Vertx.vertx();
    private final AtomicInteger served = new AtomicInteger();

    @AfterEach
    void close() throws Exception {
        await(vertx.close());
    }

    /** Answers GetCart with the caller's subject as the customer id, and counts the calls that reached it. */
    private final class Echo extends CartServiceService {
        @Override
        public Future<Cart> getCart(GetCartRequest request) {
            served.incrementAndGet();
            return Future.succeededFuture(Cart.newBuilder().setCartId(request.getCartId())
                .setCustomerId(CallerContext.current().subject()).build());
        }
    }

    static Map<String, String> jwtEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("CARTWRIGHT_AUTH_MODE", "jwt");
        env.put("CARTWRIGHT_JWT_KEY", SECRET);
        env.put("CARTWRIGHT_JWT_ISSUER", TestTokens.ISSUER);
        env.put("CARTWRIGHT_JWT_AUDIENCE", TestTokens.AUDIENCE);
        return env;
    }

    private SocketAddress start(Authenticator authenticator) throws Exception {
        HealthService health = HealthService.create(vertx);
        int port = await(GrpcEndpoint.start(vertx, "127.0.0.1", 0, authenticator, health, List.of(CartServiceGrpcService.of(new Echo()))))
            .actualPort();
        return SocketAddress.inetSocketAddress(port, "127.0.0.1");
    }

    private GrpcStatus call(SocketAddress address, String token) throws Exception {
        GrpcClient client = GrpcClient.client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false));
        return await(OnContext.call(vertx, () -> client.request(address, CartServiceGrpcClient.GetCart).compose(request -> {
            request.headers().set("authorization", "Bearer " + token);
            request.end(GetCartRequest.newBuilder().setCartId("c1").build());
            return request.response().compose(response -> response.last().transform(ignored -> Future.succeededFuture(response.status())));
        })));
    }

    @Test
    void onlyACompleteTokenSignedWithTheKeyReachesTheService() throws Exception {
        SocketAddress address = start(Authenticator.from(vertx, AuthConfig.read(ConfigReader.from(jwtEnvironment()), "development")));
        Instant now = Instant.now();
        JsonObject good = TestTokens.claims("alice", now);
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("no exp", TestTokens.hs256(SECRET, without(good, "exp")));
        bad.put("exp null", TestTokens.hs256(SECRET, good.copy().put("exp", (Object) null)));
        bad.put("exp not a number", TestTokens.hs256(SECRET, good.copy().put("exp", "tomorrow")));
        bad.put("no sub", TestTokens.hs256(SECRET, without(good, "sub")));
        bad.put("aud a list without us", TestTokens.hs256(SECRET, good.copy().put("aud", new JsonArray().add("a").add("b"))));
        bad.put("no iss", TestTokens.hs256(SECRET, without(good, "iss")));
        bad.put("no aud", TestTokens.hs256(SECRET, without(good, "aud")));
        bad.put("expired", TestTokens.hs256(SECRET, good.copy().put("iat", now.minusSeconds(7200).getEpochSecond())
            .put("exp", now.minusSeconds(3600).getEpochSecond())));
        bad.put("wrong audience", TestTokens.hs256(SECRET, good.copy().put("aud", "someone-else")));
        bad.put("wrong issuer", TestTokens.hs256(SECRET, good.copy().put("iss", "https://evil.example")));
        bad.put("alg none", TestTokens.unsigned(good));
        bad.put("wrong key", TestTokens.hs256("another-secret-that-is-also-32-bytes-long!", good));
        bad.put("an RS256 key nobody configured", TestTokens.rs256(TestTokens.RsaKey.generate("k1"), good));

        for (Map.Entry<String, String> token : bad.entrySet()) {
            assertThat(call(address, token.getValue())).as(token.getKey()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
        }
        assertThat(served).as("calls that reached the service").hasValue(0);
        assertThat(call(address, TestTokens.hs256(SECRET, good))).isEqualTo(GrpcStatus.OK);
        assertThat(call(address, TestTokens.hs256(SECRET, good.copy().put("aud", new JsonArray().add("other").add(TestTokens.AUDIENCE)))))
            .as("aud a list that names us").isEqualTo(GrpcStatus.OK);
        assertThat(served).hasValue(2);
    }

    @Test
    void jwtModeNeedsAnIssuerAnAudienceAndAKeyOfAtLeast256Bits() {
        assertRefused(without(jwtEnvironment(), "CARTWRIGHT_JWT_ISSUER"), "CARTWRIGHT_JWT_ISSUER");
        assertRefused(without(jwtEnvironment(), "CARTWRIGHT_JWT_AUDIENCE"), "CARTWRIGHT_JWT_AUDIENCE");
        assertRefused(without(jwtEnvironment(), "CARTWRIGHT_JWT_KEY"), "CARTWRIGHT_JWT_KEY");
        Map<String, String> shortKey = jwtEnvironment();
        shortKey.put("CARTWRIGHT_JWT_KEY", "x".repeat(31));
        assertThatThrownBy(() -> AuthConfig.read(ConfigReader.from(shortKey), "development")).isInstanceOf(ConfigException.class)
            .hasMessageContaining("CARTWRIGHT_JWT_KEY").hasMessageContaining("256 bits");
        Map<String, String> longEnough = jwtEnvironment();
        longEnough.put("CARTWRIGHT_JWT_KEY", "x".repeat(32));
        assertThat(AuthConfig.read(ConfigReader.from(longEnough), "development").development()).isFalse();
    }

    @Test
    void developmentModeListensOnLoopbackOnly() throws Exception {
        HealthService health = HealthService.create(vertx);
        List<io.vertx.grpc.server.Service> services = List.of(CartServiceGrpcService.of(new Echo()));

        assertThatThrownBy(() -> await(GrpcEndpoint.start(vertx, "0.0.0.0", 0, Authenticator.development(), health, services)))
            .hasMessageContaining("loopback").hasMessageContaining("CARTWRIGHT_BIND_HOST");
        assertThat(await(GrpcEndpoint.start(vertx, "127.0.0.1", 0, Authenticator.development(), health, services)).actualPort())
            .isPositive();
        assertThat(await(GrpcEndpoint.start(vertx, "localhost", 0, Authenticator.development(), health, services)).actualPort())
            .isPositive();
    }

    private static void assertRefused(Map<String, String> env, String key) {
        assertThatThrownBy(() -> AuthConfig.read(ConfigReader.from(env), "development")).isInstanceOf(ConfigException.class)
            .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
    }

    private static JsonObject without(JsonObject claims, String name) {
        JsonObject copy = claims.copy();
        copy.remove(name);
        return copy;
    }

    private static Map<String, String> without(Map<String, String> env, String key) {
        Map<String, String> copy = new HashMap<>(env);
        copy.remove(key);
        return copy;
    }

    static <T> T await(Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
