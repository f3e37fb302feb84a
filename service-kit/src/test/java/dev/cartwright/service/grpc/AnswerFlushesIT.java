package dev.cartwright.service.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors;
import dev.cartwright.net.OnContext;
import dev.cartwright.net.TurnFlush;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcService;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the endpoint writes on an HTTP/2 connection in one turn of its event loop reaches the socket in one flush. In
 * the services an answer is written when its cart's store replies: in a task of the connection's event loop, outside the
 * connection's read. Here GetCart holds each call until the test answers it in such a task, and a handler next to the
 * socket counts the flushes that reach it. Vert.x flushes an answer's message and its trailers each on its own: two
 * flushes per answer, one more for its headers, without {@link AnswerFlushes}.
 */
class AnswerFlushesIT {

    private static final int PATIENCE_SECONDS = 30;

    private final Vertx vertx = Vertx.vertx();
    private final Held held = new Held();
    private HttpClient h2;
    private int port;

    /** A call GetCart holds: its request, the context and channel of its connection. */
    private record Call(GrpcServerRequest<GetCartRequest, Cart> request, Context context, Channel channel) {
    }

    /**
     * Counts the flushes that reach the socket and the times the channel turns unwritable or writable again; put at the
     * head of the pipeline, below the TurnFlush.
     */
    private static final class Counts extends ChannelDuplexHandler {
        final AtomicInteger flushes = new AtomicInteger();
        final AtomicInteger writabilityChanges = new AtomicInteger();

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes.incrementAndGet();
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            writabilityChanges.incrementAndGet();
            ctx.fireChannelWritabilityChanged();
        }
    }

    /** GetCart, bound by hand to see each call's connection; it holds the calls until the test answers them. */
    private static final class Held implements Service {
        final Queue<Call> calls = new ConcurrentLinkedQueue<>();

        @Override
        public ServiceName name() {
            return CartServiceGrpcService.SERVICE_NAME;
        }

        @Override
        public Descriptors.ServiceDescriptor descriptor() {
            return CartServiceGrpcService.SERVICE_DESCRIPTOR;
        }

        @Override
        public void bind(GrpcServer server) {
            server.callHandler(CartServiceGrpcService.GetCart, request -> {
                Context context = Vertx.currentContext();
                Channel channel = ((ConnectionBase) request.connection()).channel();
                request.last().onSuccess(message -> calls.add(new Call(request, context, channel)));
            });
        }
    }

    @BeforeEach
    void start() throws Exception {
        port = LoopbackEndpoint.start(vertx, held, RequestLimit.of(RequestLimit.DEFAULT).bindTo(new SimpleMeterRegistry(), "test"))
            .actualPort();
        h2 = LoopbackEndpoint.oneConnection(vertx, port);
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().await(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }

    /** Sends one GetCart over gRPC; its grpc-status once answered. */
    private Future<String> getCart(String cartId) throws Exception {
        byte[] message = GetCartRequest.newBuilder().setCartId(cartId).build().toByteArray();
        Buffer frame = Buffer.buffer().appendByte((byte) 0).appendInt(message.length).appendBytes(message);
        return OnContext.call(vertx, () -> h2.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setURI("/checkout.v1.CartService/GetCart").putHeader("content-type", "application/grpc").putHeader("te", "trailers"))
            .compose(request -> request.send(frame)).compose(resp -> resp.body().map(body -> {
                assertThat(body.length()).as("one gRPC frame holding the cart").isGreaterThan(5);
                return resp.trailers().get("grpc-status");
            })));
    }

    /** Sends {@code count} GetCarts (carts c-0, c-1, ...); their grpc-status once answered. */
    private List<Future<String>> getCarts(int count) throws Exception {
        List<Future<String>> statuses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            statuses.add(getCart("c-" + i));
        }
        return statuses;
    }

    private static void assertAllAnswered(List<Future<String>> statuses) throws Exception {
        for (Future<String> status : statuses) {
            assertThat(status.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("0");
        }
    }

    private List<Call> waitUntilHeld(int count) throws InterruptedException {
        for (int waited = 0; held.calls.size() < count && waited < PATIENCE_SECONDS * 100; waited++) {
            Thread.sleep(10);
        }
        assertThat(held.calls).as("calls that reached the service").hasSize(count);
        List<Call> calls = new ArrayList<>(held.calls);
        held.calls.clear();
        return calls;
    }

    /**
     * Answers {@code calls} (all on one connection) in one task of their event loop, each with {@code answer}'s cart;
     * what reached the socket from that task until the loop's next task, submitted after the answers were written, ran.
     */
    private static Counts answerInOneTask(List<Call> calls, Function<Call, Cart> answer) throws Exception {
        Call first = calls.get(0);
        Counts counts = new Counts();
        Promise<Counts> counted = Promise.promise();
        first.context().runOnContext(v -> {
            first.channel().pipeline().addFirst("counts", counts);
            first.context().runOnContext(answering -> {
                for (Call call : calls) {
                    call.request().response().end(answer.apply(call));
                }
                first.context().runOnContext(after -> {
                    first.channel().pipeline().remove(counts);
                    counted.complete(counts);
                });
            });
        });
        return counted.future().await(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }

    /** The flushes that reached the socket for {@code calls} answered in one task. */
    private static int flushesToAnswer(List<Call> calls) throws Exception {
        return answerInOneTask(calls, call -> Cart.newBuilder().setCartId(call.request().toString()).build()).flushes.get();
    }

    @Test
    void anAnswerWrittenOutsideTheReadReachesTheSocketInOneFlush() throws Exception {
        Future<String> status = getCart("c-1");
        List<Call> calls = waitUntilHeld(1);

        assertThat(TurnFlush.installed(calls.get(0).channel())).as("a TurnFlush on the HTTP/2 connection").isTrue();
        assertThat(flushesToAnswer(calls)).as("flushes reaching the socket for one answer").isEqualTo(1);
        assertThat(status.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("0");
    }

    @Test
    void theAnswersOfOneTurnReachTheSocketInOneFlushAndAllArrive() throws Exception {
        List<Future<String>> statuses = getCarts(20);
        List<Call> calls = waitUntilHeld(20);
        assertThat(calls).extracting(Call::channel).containsOnly(calls.get(0).channel());

        assertThat(flushesToAnswer(calls)).as("flushes reaching the socket for 20 answers written in one turn").isEqualTo(1);
        assertAllAnswered(statuses);
    }

    @Test
    void theAnswersOfABusyTurnDoNotMakeTheConnectionUnwritable() throws Exception {
        List<Future<String>> statuses = getCarts(60);
        List<Call> calls = waitUntilHeld(60);
        Cart large = Cart.newBuilder().setCartId("c").setCustomerId("x".repeat(2000)).build();

        assertThat(answerInOneTask(calls, call -> large).writabilityChanges.get())
            .as("writability changes while 60 answers of 2 KB (120 KB) written in one turn leave").isZero();
        assertAllAnswered(statuses);
    }

    @Test
    void anAnswerWrittenAloneIsNeverLeftWaiting() throws Exception {
        for (int i = 0; i < 200; i++) {
            Future<String> status = getCart("c-" + i);
            Call call = waitUntilHeld(1).get(0);
            call.context().runOnContext(v -> call.request().response().end(Cart.newBuilder().setCartId("c").build()));
            assertThat(status.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).as("answer %d", i).isEqualTo("0");
        }
    }

    @Test
    void anHttp11ConnectionIsLeftAsItWas() throws Exception {
        HttpClient http1 = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
        Future<Integer> status = http1.request(HttpMethod.GET, "/v1/carts/c-1").compose(HttpClientRequest::send)
            .map(response -> response.statusCode());
        Call call = waitUntilHeld(1).get(0);

        assertThat(TurnFlush.installed(call.channel())).as("a TurnFlush on the HTTP/1.1 connection").isFalse();
        call.context().runOnContext(v -> call.request().response().end(Cart.newBuilder().setCartId("c-1").build()));
        assertThat(status.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo(200);
    }
}
