package dev.cartwright.service.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import dev.cartwright.net.OnContext;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcService;
import dev.cartwright.proto.checkout.v1.CartServiceService;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The endpoint works on at most its limit of calls at once and answers the excess UNAVAILABLE, reason OVERLOADED, with
 * a RetryInfo, before the service sees it. Without a limit the Checkout Service, driven at ten times what it could
 * answer, held 48 500 calls in flight until its heap was full and it answered nothing (OutOfMemoryError,
 * BENCHMARKS.md). Here the service holds every call until the test lets it go, so the calls in flight are the test's.
 */
class RequestLimitIT {

    private static final int PATIENCE_SECONDS = 30;
    private static final int LIMIT = 4;

    private final Vertx vertx = Vertx.vertx();
    private final Gate gate = new Gate();
    private final RequestLimit limit = RequestLimit.of(LIMIT).bindTo(new SimpleMeterRegistry(), "test");
    private HttpClient h2;
    private int port;

    /** GetCart answers only when the test opens the gate; the calls that reached it are counted. */
    private static final class Gate extends CartServiceService {
        final Queue<Promise<Cart>> held = new ConcurrentLinkedQueue<>();

        @Override
        public Future<Cart> getCart(GetCartRequest request) {
            Promise<Cart> answer = Promise.promise();
            held.add(answer);
            return answer.future();
        }

        void open() {
            for (Promise<Cart> p; (p = held.poll()) != null; ) {
                try {
                    p.tryComplete(Cart.newBuilder().setCartId("c-1").build());
                } catch (IllegalStateException abandoned) {
                    // The client reset this call: its answer has nowhere to go.
                }
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        port = LoopbackEndpoint.start(vertx, CartServiceGrpcService.of(gate), limit).actualPort();
        h2 = LoopbackEndpoint.oneConnection(vertx, port);
    }

    @AfterEach
    void close() throws Exception {
        gate.open();
        vertx.close().await(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }

    /** One GetCart over gRPC: its request (to reset it) and its answer. */
    private record Call(HttpClientRequest request, Future<Answer> answer) {
    }

    /** grpc-status and the google.rpc.Status of the answer, if it had one. */
    private record Answer(String status, Status details) {
    }

    private Call getCart(String path) throws Exception {
        return call(path, GetCartRequest.newBuilder().setCartId("c-1").build().toByteArray());
    }

    private Call call(String path, byte[] message) throws Exception {
        Buffer frame = Buffer.buffer().appendByte((byte) 0).appendInt(message.length).appendBytes(message);
        Promise<HttpClientRequest> made = Promise.promise();
        Future<Answer> answer = OnContext.call(vertx, () -> h2.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
            .putHeader("content-type", "application/grpc").putHeader("te", "trailers")).compose(request -> {
                made.complete(request);
                return request.send(frame);
            }).compose(resp -> resp.body().map(body -> answerOf(resp))));
        answer.onFailure(made::tryFail);
        return new Call(made.future().await(PATIENCE_SECONDS, TimeUnit.SECONDS), answer);
    }

    private static Answer answerOf(HttpClientResponse resp) {
        String status = resp.getHeader("grpc-status") != null ? resp.getHeader("grpc-status") : resp.trailers().get("grpc-status");
        String details = resp.getHeader(RpcError.DETAILS_HEADER) != null ? resp.getHeader(RpcError.DETAILS_HEADER)
            : resp.trailers().get(RpcError.DETAILS_HEADER);
        try {
            return new Answer(status, details == null ? null : Status.parseFrom(Base64.getDecoder().decode(details)));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Call> fillTheLimit() throws Exception {
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < LIMIT; i++) {
            calls.add(getCart("/checkout.v1.CartService/GetCart"));
        }
        waitUntilHeld(LIMIT);
        return calls;
    }

    private void waitUntilHeld(int calls) throws InterruptedException {
        for (int waited = 0; gate.held.size() < calls && waited < PATIENCE_SECONDS * 100; waited++) {
            Thread.sleep(10);
        }
        assertThat(gate.held).as("calls that reached the service").hasSize(calls);
    }

    private static Answer answer(Call call) throws Exception {
        return call.answer().await(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void aCallPastTheLimitIsAnsweredUnavailableWithoutReachingTheService() throws Exception {
        List<Call> admitted = fillTheLimit();

        Answer shed = answer(getCart("/checkout.v1.CartService/GetCart"));

        assertThat(shed.status()).as("grpc-status").isEqualTo("14");
        ErrorInfo info = unpack(shed.details(), ErrorInfo.class);
        assertThat(info.getReason()).isEqualTo(RequestLimit.OVERLOADED);
        assertThat(shed.details().getMessage()).contains(RequestLimit.SETTING).contains("changed nothing");
        assertThat(unpack(shed.details(), RetryInfo.class).getRetryDelay().getSeconds()).isEqualTo(1);
        assertThat(gate.held).as("the shed call never reached the service").hasSize(LIMIT);
        assertThat(limit.shed()).isEqualTo(1);
        assertThat(limit.inFlight()).isEqualTo(LIMIT);

        gate.open();
        for (Call call : admitted) {
            assertThat(answer(call).status()).isEqualTo("0");
        }
        fillTheLimit();
        assertThat(limit.shed()).as("answered calls gave their places back").isEqualTo(1);
    }

    @Test
    void aCallTheClientCancelsGivesItsPlaceBack() throws Exception {
        List<Call> admitted = fillTheLimit();

        admitted.get(0).request().reset().await(PATIENCE_SECONDS, TimeUnit.SECONDS);
        for (int waited = 0; limit.inFlight() == LIMIT && waited < PATIENCE_SECONDS * 100; waited++) {
            Thread.sleep(10);
        }
        getCart("/checkout.v1.CartService/GetCart");

        waitUntilHeld(LIMIT + 1);
        assertThat(limit.shed()).isZero();
    }

    @Test
    void healthChecksAreAnsweredWhenTheLimitIsReached() throws Exception {
        fillTheLimit();

        Answer health = answer(call("/grpc.health.v1.Health/Check", new byte[0]));

        assertThat(health.status()).as("the health service answers (the server as a whole: SERVING)").isEqualTo("0");
        assertThat(limit.shed()).isZero();
    }

    @Test
    void anHttpJsonCallPastTheLimitIs503WithTheReason() throws Exception {
        fillTheLimit();
        HttpClient http1 = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));

        int[] status = new int[1];
        String body = OnContext.call(vertx, () -> http1.request(HttpMethod.GET, "/v1/carts/c-1").compose(HttpClientRequest::send)
            .compose(response -> {
                status[0] = response.statusCode();
                return response.body();
            })).await(PATIENCE_SECONDS, TimeUnit.SECONDS).toString();

        assertThat(status[0]).isEqualTo(503);
        assertThat(body).contains(RequestLimit.OVERLOADED).contains("retryDelay");
        assertThat(gate.held).hasSize(LIMIT);
    }

    private static <T extends com.google.protobuf.Message> T unpack(Status status, Class<T> type) throws Exception {
        for (Any any : status.getDetailsList()) {
            if (any.is(type)) {
                return any.unpack(type);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + status);
    }
}
