package dev.cartwright.service.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.net.OnContext;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcService;
import dev.cartwright.proto.checkout.v1.CartServiceService;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.service.auth.Authenticator;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.grpc.health.HealthService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every request gets an answer, whatever else travels on its connection: a gRPC message past the endpoint's limit is
 * RESOURCE_EXHAUSTED naming the limit, a small call sent on the same HTTP/2 connection at the same time is answered as
 * if it were alone, and an HTTP/JSON path of many kilobytes gets a status (414 or 400), not a closed connection.
 * The fuzz runs of 3 Dec 2026 found calls next to multi-megabyte ones left without an answer for 30 s.
 */
class LargeRequestsIT {

    /** How long a client here waits for an answer before counting the call as unanswered (the fuzz suite waits as long). */
    private static final int PATIENCE_SECONDS = 30;
    private static final int MIB = 1024 * 1024;

    private final Vertx vertx = Vertx.vertx();
    private int port;

    /** GetCart answers with the id it was asked for, whatever its length. */
    private static final class Echo extends CartServiceService {
        @Override
        public Future<Cart> getCart(GetCartRequest request) {
            return Future.succeededFuture(Cart.newBuilder().setCartId(request.getCartId().length() > 64 ? "long" : request.getCartId())
                .build());
        }
    }

    @BeforeEach
    void start() throws Exception {
        HttpServer server = GrpcEndpoint.start(vertx, "127.0.0.1", 0, Authenticator.development(), HealthService.create(vertx),
            List.of(CartServiceGrpcService.of(new Echo()))).await(PATIENCE_SECONDS, TimeUnit.SECONDS);
        port = server.actualPort();
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().await(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }

    /** A GetCart message whose cart_id claims {@code claimed} bytes, cut to {@code sent} bytes of the message. */
    private static byte[] cartIdClaiming(int claimed, int sent) {
        Buffer message = Buffer.buffer().appendByte((byte) 0x0A);
        int length = claimed;
        while (length >= 0x80) {
            message.appendByte((byte) ((length & 0x7F) | 0x80));
            length >>>= 7;
        }
        message.appendByte((byte) length);
        byte[] out = new byte[sent];
        byte[] head = message.getBytes();
        System.arraycopy(head, 0, out, 0, head.length);
        java.util.Arrays.fill(out, head.length, sent, (byte) 'y');
        return out;
    }

    /** One gRPC call written by hand (so any bytes can be sent): its grpc-status name, or "no answer". */
    private Future<String> grpc(HttpClient h2, byte[] message) {
        Buffer frame = Buffer.buffer(message.length + 5).appendByte((byte) 0).appendInt(message.length).appendBytes(message);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI("/checkout.v1.CartService/GetCart")
            .putHeader("content-type", "application/grpc").putHeader("te", "trailers");
        return OnContext.call(vertx, () -> h2.request(options).compose(req -> req.send(frame)).compose(resp -> resp.body().map(body -> {
            String status = resp.getHeader("grpc-status");
            MultiMap trailers = resp.trailers();
            return status != null ? status : trailers.get("grpc-status");
        })));
    }

    private static String answer(Future<String> call) {
        try {
            return call.await(PATIENCE_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "no answer (" + e + ")";
        }
    }

    @Test
    void smallCallsNextToMultiMegabyteOnesOnOneConnectionAreAnswered() {
        HttpClient h2 = LoopbackEndpoint.oneConnection(vertx, port);
        byte[] small = GetCartRequest.newBuilder().setCartId("c-1").build().toByteArray();
        List<Future<String>> big = new ArrayList<>();
        List<Future<String>> smalls = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            // 3 MiB, as the fuzz suite sends: whole, and cut short of the length its cart_id claims.
            big.add(grpc(h2, cartIdClaiming(3 * MIB, 3 * MIB)));
            big.add(grpc(h2, cartIdClaiming(3 * MIB + 100, 3 * MIB)));
            for (int i = 0; i < 3; i++) {
                smalls.add(grpc(h2, small));
            }
        }
        List<String> bigAnswers = big.stream().map(LargeRequestsIT::answer).toList();
        List<String> smallAnswers = smalls.stream().map(LargeRequestsIT::answer).toList();

        assertThat(smallAnswers).as("grpc-status of the small calls").containsOnly("0");
        assertThat(bigAnswers).as("grpc-status of the 3 MiB calls").containsOnly("8");
    }

    @Test
    void aMessagePastTheLimitIsResourceExhaustedNamingTheLimit() throws Exception {
        HttpClient h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(port));
        byte[] message = cartIdClaiming(3 * MIB, 3 * MIB);
        Buffer frame = Buffer.buffer().appendByte((byte) 0).appendInt(message.length).appendBytes(message);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI("/checkout.v1.CartService/GetCart")
            .putHeader("content-type", "application/grpc").putHeader("te", "trailers");
        HttpClientRequest[] sent = new HttpClientRequest[1];
        MultiMap answer = answerOf(OnContext.call(vertx, () -> h2.request(options).compose(request -> {
            sent[0] = request;
            return request.send(frame);
        }).compose(resp -> resp.body().map(body -> resp.getHeader("grpc-status") != null ? resp.headers() : resp.trailers()))));

        assertThat(answer.get("grpc-status")).isEqualTo("8");
        assertThat(answer.get("grpc-message")).contains("1048576");
        RpcError.Received details = RpcError.Received.fromHeader(answer.get(RpcError.DETAILS_HEADER));
        assertThat(details.errorInfo().getReason()).isEqualTo("MESSAGE_TOO_LARGE");
        assertThat(details.errorInfo().getMetadataMap()).containsEntry("max_bytes", "1048576")
            .containsEntry("message_bytes", Integer.toString(message.length));
        // A whole message fits in a stream's flow-control window: with the protocol's 64 KiB, every call on a
        // connection waits while megabytes crawl through it one WINDOW_UPDATE at a time.
        assertThat(sent[0].connection().remoteSettings().getInitialWindowSize()).isGreaterThanOrEqualTo(MIB);
    }

    @Test
    void anHttpJsonPathOfManyKilobytesGetsAStatusNotAClosedConnection() {
        HttpClient h1 = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
        String id = "x".repeat(20_000);
        Buffer megabytes = Buffer.buffer("{\"productId\":\"" + "z".repeat(3 * MIB) + "\"}");
        assertThat(httpStatus(h1, HttpMethod.GET, "/v1/carts/" + id, null)).isIn(200, 400, 414);
        // A body past the message limit is RESOURCE_EXHAUSTED, 429 over HTTP/JSON.
        assertThat(httpStatus(h1, HttpMethod.POST, "/v1/carts/" + id + "/items", megabytes)).isIn(400, 414, 429);
        // Past any limit on the request line: 414, and still an answer while the body is on its way.
        String huge = "x".repeat(200_000);
        assertThat(httpStatus(h1, HttpMethod.POST, "/v1/carts/" + huge + "/items", megabytes)).isEqualTo(414);
        assertThat(httpStatus(h1, HttpMethod.GET, "/v1/carts/" + huge, null)).isEqualTo(414);
        // The server is still there for the next caller.
        assertThat(httpStatus(h1, HttpMethod.GET, "/v1/carts/c-2", null)).isEqualTo(200);
    }

    private static MultiMap answerOf(Future<MultiMap> call) {
        try {
            return call.await(PATIENCE_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer: " + e, e);
        }
    }

    private int httpStatus(HttpClient h1, HttpMethod method, String uri, Buffer body) {
        RequestOptions options = new RequestOptions().setMethod(method).setURI(uri).putHeader("content-type", "application/json");
        Future<Integer> status = OnContext.call(vertx, () -> h1.request(options)
            .compose(req -> (body == null ? req.send() : req.send(body))).compose(resp -> resp.body().map(b -> resp.statusCode())));
        try {
            return status.await(PATIENCE_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer to " + method + " " + uri.length() + " characters: " + e, e);
        }
    }
}
