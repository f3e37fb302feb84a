package dev.cartwright.service.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcService;
import dev.cartwright.proto.checkout.v1.CartServiceService;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.service.auth.AuthConfig;
import dev.cartwright.service.auth.Authenticator;
import dev.cartwright.service.auth.Caller;
import dev.cartwright.service.auth.CallerContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.health.HealthService;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One port, every way in: native gRPC, gRPC-Web over HTTP/1.1, HTTP/JSON, the health service and
 * reflection; and the caller's identity from a JWT reaching the service method of that call only.
 */
class GrpcEndpointTest {

    private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";

    private final Vertx vertx = Vertx.vertx();
    private HttpServer server;

    @AfterEach
    void close() throws Exception {
        await(vertx.close());
    }

    /** A CartService whose GetCart answers with the caller it saw: subject as customer id, staff as status. */
    private static final class EchoCaller extends CartServiceService {
        @Override
        public Future<Cart> getCart(GetCartRequest request) {
            Caller caller = CallerContext.current();
            return Future.succeededFuture(Cart.newBuilder()
                .setCartId(request.getCartId())
                .setCustomerId(caller.subject())
                .setRegion(caller.development() ? "development" : caller.isStaff() ? "staff" : "customer")
                .build());
        }
    }

    private int start(Authenticator authenticator) throws Exception {
        HealthService health = HealthService.create(vertx);
        health.register(CartServiceGrpcService.SERVICE_NAME, () -> Future.succeededFuture(true));
        server = await(GrpcEndpoint.start(vertx, "127.0.0.1", 0, authenticator, health,
            List.of(CartServiceGrpcService.of(new EchoCaller()))));
        return server.actualPort();
    }

    private Authenticator jwt() {
        return Authenticator.from(vertx, new AuthConfig(false, "HS256", SECRET, "", ""));
    }

    private String token(String subject, String... roles) {
        JWTAuth issuer = JWTAuth.create(vertx, new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
        return issuer.generateToken(new JsonObject().put("sub", subject).put("roles", new JsonArray(List.of((Object[]) roles))),
            new JWTOptions().setAlgorithm("HS256"));
    }

    private CartServiceGrpcClient grpcClient(int port) {
        GrpcClient client = GrpcClient.client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false));
        return CartServiceGrpcClient.create(client, SocketAddress.inetSocketAddress(port, "127.0.0.1"));
    }

    @Test
    void developmentModeTrustsEveryCaller() throws Exception {
        int port = start(Authenticator.development());
        Cart cart = await(grpcClient(port).getCart(GetCartRequest.newBuilder().setCartId("c1").build()));
        assertThat(cart.getCartId()).isEqualTo("c1");
        assertThat(cart.getRegion()).isEqualTo("development");
    }

    @Test
    void theTokensSubjectAndRolesReachTheServiceMethodOfThatCallOnly() throws Exception {
        int port = start(jwt());
        GrpcClient client = GrpcClient.client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false));
        SocketAddress address = SocketAddress.inetSocketAddress(port, "127.0.0.1");
        // Two calls interleaved on one connection, with different identities.
        Future<Cart> alice = call(client, address, "Bearer " + token("alice"));
        Future<Cart> staff = call(client, address, "Bearer " + token("bob", "staff"));
        Future<Cart> guest = call(client, address, null);
        assertThat(await(alice).getCustomerId()).isEqualTo("alice");
        assertThat(await(alice).getRegion()).isEqualTo("customer");
        assertThat(await(staff).getCustomerId()).isEqualTo("bob");
        assertThat(await(staff).getRegion()).isEqualTo("staff");
        assertThat(await(guest).getCustomerId()).isEmpty();
    }

    @Test
    void aBadTokenIsUnauthenticated() throws Exception {
        int port = start(jwt());
        GrpcClient client = GrpcClient.client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false));
        SocketAddress address = SocketAddress.inetSocketAddress(port, "127.0.0.1");
        assertThatThrownBy(() -> await(call(client, address, "Bearer not.a.token")))
            .hasMessageContaining("UNAUTHENTICATED");
        // A forgery: mallory's claims under alice's signature. (Flipping the last character of the signature is
        // not a reliable forgery: base64url's last character carries two padding bits the decoder ignores.)
        String[] alice = token("alice").split("\\.");
        String[] mallory = token("mallory").split("\\.");
        String forged = alice[0] + "." + mallory[1] + "." + alice[2];
        assertThat(mallory[1]).isNotEqualTo(alice[1]);
        assertThatThrownBy(() -> await(call(client, address, "Bearer " + forged)))
            .hasMessageContaining("UNAUTHENTICATED");
    }

    private static Future<Cart> call(GrpcClient client, SocketAddress address, String authorization) {
        return client.request(address, CartServiceGrpcClient.GetCart).compose(request -> {
            if (authorization != null) {
                request.headers().set("authorization", authorization);
            }
            request.end(GetCartRequest.newBuilder().setCartId("c1").build());
            return request.response().compose(GrpcClientResponse::last);
        });
    }

    @Test
    void httpJsonWithoutAContentTypeIsTranscoded() throws Exception {
        int port = start(jwt());
        HttpClient http = vertx.createHttpClient();
        Buffer body = await(http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                .setURI("/v1/carts/abc").putHeader("authorization", "Bearer " + token("carol")))
            .compose(request -> request.send().compose(HttpClientResponse::body)));
        JsonObject json = new JsonObject(body);
        assertThat(json.getString("cartId")).isEqualTo("abc");
        assertThat(json.getString("customerId")).isEqualTo("carol");
    }

    @Test
    void grpcWebOverHttp11AndTheHealthServiceAnswerWithoutAToken() throws Exception {
        int port = start(jwt());
        HttpClient http = vertx.createHttpClient();
        // A gRPC-Web frame: flag 0, length 0, an empty HealthCheckRequest (the server as a whole).
        Buffer frame = Buffer.buffer(new byte[] {0, 0, 0, 0, 0});
        Buffer reply = await(http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI("/grpc.health.v1.Health/Check").putHeader("content-type", "application/grpc-web+proto")
                .putHeader("x-grpc-web", "1"))
            .compose(request -> request.send(frame).compose(HttpClientResponse::body)));
        // First frame: the message (field 1 status = SERVING, bytes 08 01); then the trailers frame (flag 0x80).
        assertThat(reply.getByte(0)).isEqualTo((byte) 0);
        int length = reply.getInt(1);
        assertThat(reply.getBytes(5, 5 + length)).containsExactly(0x08, 0x01);
        assertThat(reply.getByte(5 + length)).isEqualTo((byte) 0x80);
        String trailers = reply.getString(10 + length, reply.length(), StandardCharsets.US_ASCII.name());
        assertThat(trailers).contains("grpc-status:0");
    }

    @Test
    void reflectionListsTheServices() throws Exception {
        int port = start(jwt());
        GrpcClient client = GrpcClient.client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false));
        List<Buffer> messages = new ArrayList<>();
        GrpcStatus status = await(client.request(SocketAddress.inetSocketAddress(port, "127.0.0.1")).compose(request -> {
            request.fullMethodName("grpc.reflection.v1.ServerReflection/ServerReflectionInfo");
            // ServerReflectionRequest { list_services: "" } is field 7, length-delimited, empty.
            request.end(Buffer.buffer(new byte[] {0x3a, 0x00}));
            return request.response().compose(response -> {
                response.handler(messages::add);
                return response.end().map(v -> response.status());
            });
        }));
        assertThat(status).isEqualTo(GrpcStatus.OK);
        String listing = messages.stream().map(Buffer::toString).reduce("", String::concat);
        assertThat(listing).contains("checkout.v1.CartService").contains("grpc.health.v1.Health");
    }

    private static <T> T await(Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
