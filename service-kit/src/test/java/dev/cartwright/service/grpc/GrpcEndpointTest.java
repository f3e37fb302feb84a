package dev.cartwright.service.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwright.net.OnContext;
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
import io.vertx.core.MultiMap;
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
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.server.StatusException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One port, every way in: native gRPC, gRPC-Web over HTTP/1.1, HTTP/JSON, the health service and
 * reflection; the caller's identity from a JWT reaching the service method of that call only; and
 * errors as each way in expects them: a google.rpc.Status body on HTTP/JSON, trailers on gRPC.
 */
class GrpcEndpointTest {

    private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";

    private final Vertx vertx = Vertx.vertx();
    private HttpServer server;

    @AfterEach
    void close() throws Exception {
        await(vertx.close());
    }

    /** Fails GetCart for this cart id, with a message that needs percent-encoding in grpc-message. */
    private static final String INVALID_CART = "invalid";
    private static final String INVALID_MESSAGE = "cart_id «invalid» is 100% wrong";
    /** Fails GetCart for this cart id as not found. */
    private static final String MISSING_CART = "missing";
    /** Fails GetCart for these cart ids with an {@link RpcError} of each kind. */
    private static final String LOCKED_CART = "locked";
    private static final String BUSY_CART = "busy";
    private static final String BAD_FIELD_CART = "bad-field";
    private static final String ECHO_CART = "echo:";

    /**
     * A CartService whose GetCart answers with the caller it saw (subject as customer id, staff as status), or
     * fails with INVALID_ARGUMENT or NOT_FOUND for the cart ids above.
     */
    private static final class EchoCaller extends CartServiceService {
        @Override
        public Future<Cart> getCart(GetCartRequest request) {
            if (request.getCartId().equals(INVALID_CART)) {
                return Future.failedFuture(new StatusException(GrpcStatus.INVALID_ARGUMENT, INVALID_MESSAGE));
            }
            if (request.getCartId().equals(MISSING_CART)) {
                return Future.failedFuture(new StatusException(GrpcStatus.NOT_FOUND, "cart missing not found"));
            }
            if (request.getCartId().equals(LOCKED_CART)) {
                return Future.failedFuture(RpcError.failedPrecondition("CART_NOT_ACTIVE", "carts/locked", "cart locked is CHECKED_OUT")
                    .with("cart_id", "locked"));
            }
            if (request.getCartId().equals(BUSY_CART)) {
                return Future.failedFuture(RpcError.unavailable("CART_STORE_UNAVAILABLE", "the cart store is unreachable",
                    java.time.Duration.ofMillis(1500)));
            }
            if (request.getCartId().startsWith(ECHO_CART)) {
                // A refusal that repeats what it was sent, in the field violation and in the ErrorInfo.
                throw RpcError.invalidField("cart_id", "is unknown, was '" + request.getCartId() + "'")
                    .with("cart_id", request.getCartId());
            }
            if (request.getCartId().equals(BAD_FIELD_CART)) {
                // Thrown, not returned: a service that throws gets the same answer.
                throw RpcError.invalidField("currency", "must be a three-letter ISO 4217 code");
            }
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

    private static final String ISSUER = "https://id.cartwright.test";
    private static final String AUDIENCE = "cartwright-api";

    private Authenticator jwt() {
        return Authenticator.from(vertx, new AuthConfig(false, new AuthConfig.Keys.SharedSecret(SECRET), ISSUER, AUDIENCE));
    }

    private String token(String subject, String... roles) {
        JWTAuth issuer = JWTAuth.create(vertx, new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
        return issuer.generateToken(new JsonObject().put("sub", subject).put("roles", new JsonArray(List.of((Object[]) roles))),
            new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER).setAudience(List.of(AUDIENCE)).setExpiresInMinutes(10));
    }

    private CartServiceGrpcClient grpcClient(int port) {
        GrpcClient client = GrpcClient.client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false));
        return CartServiceGrpcClient.create(client, SocketAddress.inetSocketAddress(port, "127.0.0.1"));
    }

    @Test
    void developmentModeTrustsEveryCaller() throws Exception {
        int port = start(Authenticator.development());
        Cart cart = exchange(() -> grpcClient(port).getCart(GetCartRequest.newBuilder().setCartId("c1").build()));
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

    private Future<Cart> call(GrpcClient client, SocketAddress address, String authorization) {
        return OnContext.call(vertx, () -> client.request(address, CartServiceGrpcClient.GetCart).compose(request -> {
            if (authorization != null) {
                request.headers().set("authorization", authorization);
            }
            request.end(GetCartRequest.newBuilder().setCartId("c1").build());
            return request.response().compose(GrpcClientResponse::last);
        }));
    }

    @Test
    void httpJsonWithoutAContentTypeIsTranscoded() throws Exception {
        int port = start(jwt());
        HttpClient http = vertx.createHttpClient();
        Buffer body = exchange(() -> http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                .setURI("/v1/carts/abc").putHeader("authorization", "Bearer " + token("carol")))
            .compose(request -> request.send().compose(HttpClientResponse::body)));
        JsonObject json = new JsonObject(body);
        assertThat(json.getString("cartId")).isEqualTo("abc");
        assertThat(json.getString("customerId")).isEqualTo("carol");
        // Compact: no indentation or line breaks on the wire.
        assertThat(body.toString()).isEqualTo("{\"cartId\":\"abc\",\"customerId\":\"carol\",\"region\":\"customer\"}");
    }

    @Test
    void httpJsonMessagesGoThroughTheCodecsGivenAndGrpcOnesDoNot() throws Exception {
        // Codecs that answer differently from JsonFormat, so that the reply shows which one did the work.
        JsonCodec<GetCartRequest> request = new JsonCodec<>() {
            @Override
            public String typeName() {
                return GetCartRequest.getDescriptor().getFullName();
            }

            @Override
            public GetCartRequest parse(Buffer json) {
                return GetCartRequest.newBuilder().setCartId(new JsonObject(json).getString("cart_id") + "-read").build();
            }
        };
        JsonCodec<Cart> reply = new JsonCodec<>() {
            @Override
            public String typeName() {
                return Cart.getDescriptor().getFullName();
            }

            @Override
            public byte[] print(Cart cart) {
                return cart.getCartId().startsWith("left") ? null : ("{\"written\":\"" + cart.getCartId() + "\"}").getBytes();
            }
        };
        HealthService health = HealthService.create(vertx);
        server = await(GrpcEndpoint.start(vertx, "127.0.0.1", 0, Authenticator.development(), health,
            List.of(CartServiceGrpcService.of(new EchoCaller())), JsonCodecs.of(request, reply)));
        int port = server.actualPort();
        HttpClient http = vertx.createHttpClient();

        Buffer written = exchange(() -> http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                .setURI("/v1/carts/abc")).compose(r -> r.send().compose(HttpClientResponse::body)));
        Buffer leftToJsonFormat = exchange(() -> http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
                .setPort(port).setURI("/v1/carts/left")).compose(r -> r.send().compose(HttpClientResponse::body)));
        Cart overGrpc = exchange(() -> grpcClient(port).getCart(GetCartRequest.newBuilder().setCartId("abc").build()));

        assertThat(written.toString()).isEqualTo("{\"written\":\"abc-read\"}");
        assertThat(new JsonObject(leftToJsonFormat).getString("cartId")).isEqualTo("left-read");
        assertThat(overGrpc.getCartId()).isEqualTo("abc");
    }

    @Test
    void httpJsonWithACharsetIsTranscoded() throws Exception {
        int port = start(Authenticator.development());
        HttpClient http = vertx.createHttpClient();
        Buffer body = exchange(() -> http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                .setURI("/v1/carts/abc").putHeader("content-type", "application/json; charset=utf-8"))
            .compose(request -> request.send().compose(HttpClientResponse::body)));
        assertThat(new JsonObject(body).getString("cartId")).isEqualTo("abc");
    }

    @Test
    void grpcWebOverHttp11AndTheHealthServiceAnswerWithoutAToken() throws Exception {
        int port = start(jwt());
        HttpClient http = vertx.createHttpClient();
        // A gRPC-Web frame: flag 0, length 0, an empty HealthCheckRequest (the server as a whole).
        Buffer frame = Buffer.buffer(new byte[] {0, 0, 0, 0, 0});
        Buffer reply = exchange(() -> http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
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

    /** What an HTTP/1.1 client got back. */
    private record Reply(int status, MultiMap headers, Buffer body) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    private Reply httpJson(int port, HttpMethod method, String uri, String body) throws Exception {
        HttpClient http = vertx.createHttpClient();
        RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
        return exchange(() -> http.request(options).compose(request -> (body == null ? request.send() : request.send(body))
            .compose(response -> response.body().map(b -> new Reply(response.statusCode(), response.headers(), b)))));
    }

    @Test
    void anHttpJsonCallThatFailsGetsAGoogleRpcStatusBodyAsWellAsTheGrpcHeaders() throws Exception {
        int port = start(Authenticator.development());
        Reply reply = httpJson(port, HttpMethod.GET, "/v1/carts/" + INVALID_CART, null);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.headers().get("content-type")).isEqualTo("application/json");
        assertThat(reply.json()).isEqualTo(new JsonObject()
            .put("code", 3).put("message", INVALID_MESSAGE).put("details", new JsonArray().add(new JsonObject()
                .put("@type", "type.googleapis.com/google.rpc.ErrorInfo").put("reason", "INVALID_ARGUMENT")
                .put("domain", "cartwright.dev"))));
        assertThat(reply.headers().get("grpc-status")).isEqualTo("3");
        assertThat(reply.headers().get("grpc-message")).isEqualTo("cart_id%20%C2%ABinvalid%C2%BB%20is%20100%25%20wrong");
        assertThat(reply.headers().get("content-length")).isEqualTo(Integer.toString(reply.body().length()));

        Reply missing = httpJson(port, HttpMethod.GET, "/v1/carts/" + MISSING_CART, null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().getInteger("code")).isEqualTo(5);
        assertThat(missing.json().getString("message")).isEqualTo("cart missing not found");
        assertThat(missing.headers().get("grpc-status")).isEqualTo("5");
    }

    @Test
    void aBodyThatIsNotJsonIsInvalidArgumentSayingWhy() throws Exception {
        int port = start(Authenticator.development());
        Reply reply = httpJson(port, HttpMethod.POST, "/v1/carts/c1/items", "{not json");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.headers().get("content-type")).isEqualTo("application/json");
        assertThat(reply.headers().get("grpc-status")).isEqualTo("3");
        assertThat(reply.json().getInteger("code")).isEqualTo(3);
        assertThat(reply.json().getString("message"))
            .startsWith("request body is not valid JSON for checkout.v1.AddItemRequest: ")
            .contains("Unexpected character ('n'")
            .contains("line 1, column 2");

        Reply array = httpJson(port, HttpMethod.POST, "/v1/carts", "[1]");
        assertThat(array.status()).isEqualTo(400);
        assertThat(array.json().getString("message"))
            .isEqualTo("request body is not valid JSON for checkout.v1.CreateCartRequest: expected a JSON object, not an array");
    }

    @Test
    void aBodyThatArrivesInPiecesIsExplainedAsAWhole() throws Exception {
        int port = start(Authenticator.development());
        String padding = "x".repeat(20_000);
        HttpClient http = vertx.createHttpClient();
        Reply reply = exchange(() -> http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI("/v1/carts").putHeader("content-type", "application/json"))
            .compose(request -> {
                request.setChunked(true);
                request.write("{\"customer_id\":\"" + padding);
                request.write(padding + "\",");
                return request.end(" oops}").compose(v -> request.response())
                    .compose(response -> response.body().map(b -> new Reply(response.statusCode(), response.headers(), b)));
            }));
        assertThat(reply.status()).isEqualTo(400);
        // The stray token comes after both pieces of padding: 16 + 40,000 + 3 characters precede it.
        assertThat(reply.json().getString("message"))
            .startsWith("request body is not valid JSON for checkout.v1.CreateCartRequest: ")
            .contains("line 1, column 40020");
    }

    @Test
    void anUnknownFieldOrAWrongTypeIsInvalidArgumentNamingTheField() throws Exception {
        int port = start(Authenticator.development());
        Reply unknown = httpJson(port, HttpMethod.POST, "/v1/carts", "{\"customer_id\":\"123\",\"bogus\":1}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().getInteger("code")).isEqualTo(3);
        assertThat(unknown.json().getString("message")).isEqualTo(
            "request is not a valid checkout.v1.CreateCartRequest: Cannot find field: bogus in message checkout.v1.CreateCartRequest");

        Reply wrongType = httpJson(port, HttpMethod.POST, "/v1/carts/c1/items", "{\"product_id\":\"p1\",\"quantity\":\"many\"}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.json().getString("message"))
            .isEqualTo("request is not a valid checkout.v1.AddItemRequest: field quantity: Not an int32 value: \"many\"");
    }

    @Test
    void aPathNoMethodIsMappedToIsNotFound() throws Exception {
        int port = start(Authenticator.development());
        Reply reply = httpJson(port, HttpMethod.GET, "/v1/nothing-here", null);
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().getInteger("code")).isEqualTo(5);
        assertThat(reply.json().getString("message")).isEqualTo("no HTTP/JSON route for GET /v1/nothing-here");
    }

    @Test
    void anUnauthenticatedHttpJsonCallGetsTheSameBody() throws Exception {
        int port = start(jwt());
        HttpClient http = vertx.createHttpClient();
        Reply reply = exchange(() -> http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                .setURI("/v1/carts/abc").putHeader("authorization", "Bearer not.a.token"))
            .compose(request -> request.send()
                .compose(response -> response.body().map(b -> new Reply(response.statusCode(), response.headers(), b)))));
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().getInteger("code")).isEqualTo(16);
        RpcError.Received error = RpcError.Received.fromJson(reply.body().toString());
        assertThat(error.errorInfo().getReason()).isEqualTo("INVALID_TOKEN");
        assertThat(error.errorInfo().getDomain()).isEqualTo(RpcError.DOMAIN);

        // Over gRPC the same reason travels in grpc-status-details-bin.
        Reply grpc = exchange(() -> vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)).request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                .setPort(port).setURI("/checkout.v1.CartService/GetCart").putHeader("content-type", "application/grpc")
                .putHeader("authorization", "Bearer not.a.token"))
            .compose(request -> request.send(Buffer.buffer(new byte[] {0, 0, 0, 0, 0}))
                .compose(response -> response.body().map(b -> new Reply(response.statusCode(), response.headers(), b)))));
        assertThat(grpc.headers().get("grpc-status")).isEqualTo("16");
        assertThat(RpcError.Received.fromHeader(grpc.headers().get(RpcError.DETAILS_HEADER)).errorInfo().getReason())
            .isEqualTo("INVALID_TOKEN");
    }

    @Test
    void aNativeGrpcCallThatFailsGetsTheStatusMessageAndDetailsInTrailers() throws Exception {
        int port = start(Authenticator.development());
        // Through the gRPC client: the status and the message, as ever.
        assertThatThrownBy(() -> exchange(() -> grpcClient(port).getCart(GetCartRequest.newBuilder().setCartId(INVALID_CART).build())))
            .isInstanceOfSatisfying(InvalidStatusException.class,
                e -> assertThat(e.actualStatus()).isEqualTo(GrpcStatus.INVALID_ARGUMENT));
        // On the wire: 200, application/grpc, no body, and the status in a trailers-only response.
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false));
        byte[] message = GetCartRequest.newBuilder().setCartId(INVALID_CART).build().toByteArray();
        Buffer frame = Buffer.buffer().appendByte((byte) 0).appendInt(message.length).appendBytes(message);
        Reply reply = exchange(() -> http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI("/checkout.v1.CartService/GetCart").putHeader("content-type", "application/grpc").putHeader("te", "trailers"))
            .compose(request -> request.send(frame)
                .compose(response -> response.body().map(b -> new Reply(response.statusCode(), response.headers(), b)))));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.headers().get("content-type")).isEqualTo("application/grpc");
        assertThat(reply.body().length()).isZero();
        assertThat(reply.headers().get("grpc-status")).isEqualTo("3");
        assertThat(reply.headers().get("grpc-message")).isEqualTo("cart_id%20%C2%ABinvalid%C2%BB%20is%20100%25%20wrong");
        RpcError.Received details = RpcError.Received.fromHeader(reply.headers().get(RpcError.DETAILS_HEADER));
        assertThat(details.status().getCode()).isEqualTo(3);
        assertThat(details.status().getMessage()).isEqualTo(INVALID_MESSAGE);
        assertThat(details.errorInfo().getReason()).isEqualTo("INVALID_ARGUMENT");

        // gRPC-Web over HTTP/1.1 likewise: the status and message in the headers, no JSON anywhere.
        Reply web = exchange(() -> vertx.createHttpClient().request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                .setPort(port).setURI("/checkout.v1.CartService/GetCart").putHeader("content-type", "application/grpc-web+proto")
                .putHeader("x-grpc-web", "1"))
            .compose(request -> request.send(frame)
                .compose(response -> response.body().map(b -> new Reply(response.statusCode(), response.headers(), b)))));
        assertThat(web.status()).isEqualTo(200);
        assertThat(web.headers().get("content-type")).isEqualTo("application/grpc-web");
        assertThat(web.body().length()).isZero();
        assertThat(web.headers().get("grpc-status")).isEqualTo("3");
        assertThat(web.headers().get("grpc-message")).isEqualTo(reply.headers().get("grpc-message"));
        assertThat(web.headers().get(RpcError.DETAILS_HEADER)).isEqualTo(reply.headers().get(RpcError.DETAILS_HEADER));
    }

    /**
     * A refusal that repeats a huge value it was sent still reaches the client as a status: the details travel in a
     * header, and clients refuse headers past a few kilobytes (Vert.x and Netty reset the stream with PROTOCOL_ERROR,
     * so the caller saw no status at all). Found by the Return Service fuzz: a 393 KB return reason.
     */
    @Test
    void aRefusalRepeatingAHugeValueIsStillAStatusWithBoundedDetails() throws Exception {
        int port = start(Authenticator.development());
        String huge = ECHO_CART + "x".repeat(300_000);
        assertThatThrownBy(() -> exchange(() -> grpcClient(port).getCart(GetCartRequest.newBuilder().setCartId(huge).build())))
            .isInstanceOfSatisfying(InvalidStatusException.class,
                e -> assertThat(e.actualStatus()).isEqualTo(GrpcStatus.INVALID_ARGUMENT));
        // Cut by bytes, not characters: a thousand characters of three bytes each, percent-encoded, are 9 KB.
        assertThatThrownBy(() -> exchange(() -> grpcClient(port).getCart(GetCartRequest.newBuilder()
                .setCartId(ECHO_CART + "界".repeat(100_000)).build())))
            .isInstanceOfSatisfying(InvalidStatusException.class,
                e -> assertThat(e.actualStatus()).isEqualTo(GrpcStatus.INVALID_ARGUMENT));
        Reply reply = grpcGetCart(port, huge);
        String header = reply.headers().get(RpcError.DETAILS_HEADER);
        assertThat(header.length()).isLessThan(8 * 1024);
        RpcError.Received details = RpcError.Received.fromHeader(header);
        assertThat(details.fieldViolations()).containsExactly("cart_id");
        assertThat(details.errorInfo().getMetadataMap().get("cart_id")).startsWith(ECHO_CART + "xxx").endsWith("…");
        assertThat(RpcError.Received.fromJson(httpJson(port, HttpMethod.GET, "/v1/carts/" + ECHO_CART + "x".repeat(20_000), null)
            .body().toString()).fieldViolations()).containsExactly("cart_id");
    }

    /** GetCart over native gRPC, as the bytes arrive: status and details from the trailers-only headers. */
    private Reply grpcGetCart(int port, String cartId) throws Exception {
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false));
        byte[] message = GetCartRequest.newBuilder().setCartId(cartId).build().toByteArray();
        Buffer frame = Buffer.buffer().appendByte((byte) 0).appendInt(message.length).appendBytes(message);
        return exchange(() -> http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI("/checkout.v1.CartService/GetCart").putHeader("content-type", "application/grpc").putHeader("te", "trailers"))
            .compose(request -> request.send(frame)
                .compose(response -> response.body().map(b -> new Reply(response.statusCode(), response.headers(), b)))));
    }

    @Test
    void eachKindOfErrorCarriesItsDetailOverGrpcAndHttpJsonAlike() throws Exception {
        int port = start(Authenticator.development());

        RpcError.Received locked = RpcError.Received.fromHeader(grpcGetCart(port, LOCKED_CART).headers().get(RpcError.DETAILS_HEADER));
        RpcError.Received lockedJson = RpcError.Received.fromJson(httpJson(port, HttpMethod.GET, "/v1/carts/" + LOCKED_CART, null)
            .body().toString());
        for (RpcError.Received error : List.of(locked, lockedJson)) {
            assertThat(error.status().getCode()).isEqualTo(GrpcStatus.FAILED_PRECONDITION.code);
            assertThat(error.errorInfo().getReason()).isEqualTo("CART_NOT_ACTIVE");
            assertThat(error.errorInfo().getDomain()).isEqualTo("cartwright.dev");
            assertThat(error.errorInfo().getMetadataMap()).containsEntry("cart_id", "locked");
            assertThat(error.preconditionViolations()).singleElement().satisfies(v -> {
                assertThat(v.getType()).isEqualTo("CART_NOT_ACTIVE");
                assertThat(v.getSubject()).isEqualTo("carts/locked");
                assertThat(v.getDescription()).isEqualTo("cart locked is CHECKED_OUT");
            });
        }

        Reply busyJson = httpJson(port, HttpMethod.GET, "/v1/carts/" + BUSY_CART, null);
        assertThat(busyJson.status()).isEqualTo(503);
        assertThat(busyJson.headers().get(RpcError.DETAILS_HEADER)).as("the body carries the details on HTTP/JSON").isNull();
        assertThat(busyJson.json().getJsonArray("details").getJsonObject(1).getString("retryDelay")).isEqualTo("1.500s");
        for (RpcError.Received error : List.of(RpcError.Received.fromJson(busyJson.body().toString()),
            RpcError.Received.fromHeader(grpcGetCart(port, BUSY_CART).headers().get(RpcError.DETAILS_HEADER)))) {
            assertThat(error.errorInfo().getReason()).isEqualTo("CART_STORE_UNAVAILABLE");
            assertThat(error.retryDelay()).contains(java.time.Duration.ofMillis(1500));
        }

        for (RpcError.Received error : List.of(
            RpcError.Received.fromJson(httpJson(port, HttpMethod.GET, "/v1/carts/" + BAD_FIELD_CART, null).body().toString()),
            RpcError.Received.fromHeader(grpcGetCart(port, BAD_FIELD_CART).headers().get(RpcError.DETAILS_HEADER)))) {
            assertThat(error.status().getCode()).isEqualTo(GrpcStatus.INVALID_ARGUMENT.code);
            assertThat(error.status().getMessage()).isEqualTo("currency must be a three-letter ISO 4217 code");
            assertThat(error.errorInfo().getReason()).isEqualTo(RpcError.INVALID_FIELD);
            assertThat(error.fieldViolations()).containsExactly("currency");
        }
    }

    @Test
    void theEndpointsOwnRefusalsCarryDetailsToo() throws Exception {
        int port = start(Authenticator.development());
        // An id with a control character, refused before the service sees it, over gRPC and HTTP/JSON.
        RpcError.Received odd = RpcError.Received.fromHeader(grpcGetCart(port, "c\u0001").headers().get(RpcError.DETAILS_HEADER));
        assertThat(odd.errorInfo().getReason()).isEqualTo(RpcError.INVALID_FIELD);
        assertThat(odd.fieldViolations()).containsExactly("cart_id");
        // A value of the wrong type names its field; a body that is not JSON is malformed; an unmapped path has no route.
        RpcError.Received wrongType = RpcError.Received.fromJson(httpJson(port, HttpMethod.POST, "/v1/carts/c1/items",
            "{\"product_id\":\"p1\",\"quantity\":\"many\"}").body().toString());
        assertThat(wrongType.errorInfo().getReason()).isEqualTo(RpcError.INVALID_FIELD);
        assertThat(wrongType.fieldViolations()).containsExactly("quantity");
        RpcError.Received notJson = RpcError.Received.fromJson(httpJson(port, HttpMethod.POST, "/v1/carts/c1/items", "{not json")
            .body().toString());
        assertThat(notJson.errorInfo().getReason()).isEqualTo(RpcError.MALFORMED_REQUEST);
        RpcError.Received noRoute = RpcError.Received.fromJson(httpJson(port, HttpMethod.GET, "/v1/nothing-here", null).body().toString());
        assertThat(noRoute.errorInfo().getReason()).isEqualTo(RpcError.NO_ROUTE);
    }

    @Test
    void reflectionListsTheServices() throws Exception {
        int port = start(jwt());
        GrpcClient client = GrpcClient.client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false));
        List<Buffer> messages = new ArrayList<>();
        GrpcStatus status = exchange(() -> client.request(SocketAddress.inetSocketAddress(port, "127.0.0.1")).compose(request -> {
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

    /** Makes a client call on a context of the test's Vert.x ({@link OnContext}) and waits for its result. */
    private <T> T exchange(Supplier<Future<T>> call) throws Exception {
        return await(OnContext.call(vertx, call));
    }

    private static <T> T await(Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
