package dev.cartwright.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwright.net.OnContext;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceService;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcService;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.StatusException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The driver's lean gRPC client against a real Vert.x gRPC server: answers, statuses, the server's stream limit, a lost connection. */
class H2GrpcClientTest {

    private final Vertx vertx = Vertx.vertx();
    private final ContextInternal driverContext = (ContextInternal) vertx.getOrCreateContext();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void aCreatedCartsIdIsDecodedTheOtherAnswersAreReadToTheirStatus() {
        H2GrpcClient client = connect(cartServer(100), 2);
        CartCalls carts = CartCalls.h2(client);

        assertThat(onDriverLoop(() -> carts.create("USD"))).isEqualTo("cart-USD");
        assertThat(onDriverLoop(() -> carts.add("cart-USD", "7", 1))).as("answered OK, not decoded").isNull();
        assertThatThrownBy(() -> onDriverLoop(() -> carts.get("missing")))
            .cause().isInstanceOfSatisfying(InvalidStatusException.class,
                e -> assertThat(RpcStats.status(e)).as("named as the Vert.x client's failures are").isEqualTo("NOT_FOUND"));
    }

    @Test
    void callsBeyondTheServersStreamLimitWaitForAStreamInsteadOfFailing() {
        H2GrpcClient client = connect(cartServer(2), 1);
        CartCalls carts = CartCalls.h2(client);

        List<?> answers = onDriverLoop(() -> {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                calls.add(carts.add("cart-" + i, "1", 1));
            }
            return Future.all(calls).map(all -> all.list());
        });

        assertThat(answers).hasSize(40);
        assertThat(mostInFlight.get()).as("never more streams than the server's SETTINGS_MAX_CONCURRENT_STREAMS").isBetween(1, 2);
    }

    @Test
    void aCallGoesOnTheConnectionWithTheFewestCallsOpenOrOnTheNextInTurn() {
        // GetCart is held by the server until the test ends; AddItem is answered. One GetCart holds a stream on one of
        // two connections; the AddItems made one after another then go on the other one, where taken in turn half of
        // them would queue on the connection holding the GetCart.
        assertThat(connectionsOfTenAddsAfterAHeldGet(H2GrpcClient.Pick.FEWEST)).as("connections the AddItems went on")
            .containsOnly("the other");
        assertThat(connectionsOfTenAddsAfterAHeldGet(H2GrpcClient.Pick.TURN)).as("connections the AddItems went on")
            .contains("the held one", "the other");
    }

    /** For ten AddItems made one after another while one GetCart is held: whether each went on the held one's connection. */
    private List<String> connectionsOfTenAddsAfterAHeldGet(H2GrpcClient.Pick pick) {
        GrpcServer grpc = GrpcServer.server(vertx);
        grpc.addService(CartServiceGrpcService.of(new CartServiceService() {
            @Override
            public Future<Cart> getCart(GetCartRequest request) {
                return Promise.<Cart>promise().future();
            }

            @Override
            public Future<Cart> addItem(AddItemRequest request) {
                return Future.succeededFuture(Cart.newBuilder().setCartId(request.getCartId()).build());
            }
        }));
        List<Map.Entry<String, HttpConnection>> arrived = new CopyOnWriteArrayList<>();
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setHttp2ClearTextEnabled(true))
            .requestHandler(request -> {
                arrived.add(Map.entry(request.path(), request.connection()));
                grpc.handle(request);
            }).listen().await();
        CartCalls carts = CartCalls.h2(connect(server, 2, pick));
        onDriverLoop(() -> {
            carts.get("held");
            Future<Object> adds = Future.succeededFuture();
            for (int i = 0; i < 10; i++) {
                String cart = "cart-" + i;
                adds = adds.compose(previous -> carts.add(cart, "1", 1).map(answered -> null));
            }
            return adds;
        });
        HttpConnection held = arrived.stream().filter(call -> call.getKey().endsWith("/GetCart")).findFirst().orElseThrow().getValue();
        List<String> where = new ArrayList<>();
        for (Map.Entry<String, HttpConnection> call : arrived) {
            if (call.getKey().endsWith("/AddItem")) {
                where.add(call.getValue() == held ? "the held one" : "the other");
            }
        }
        assertThat(where).hasSize(10);
        return where;
    }

    @Test
    void aCallWhoseConnectionClosesFailsAsUnavailable() {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setHttp2ClearTextEnabled(true))
            .requestHandler(request -> request.connection().close())
            .listen().await();
        H2GrpcClient client = connect(server, 1);

        assertThatThrownBy(() -> onDriverLoop(() -> CartCalls.h2(client).add("cart-1", "1", 1)))
            .cause().isInstanceOfSatisfying(InvalidStatusException.class,
                e -> assertThat(e.actualStatus()).isEqualTo(GrpcStatus.UNAVAILABLE));
    }

    /** A CartService whose AddItem answers on the next turn, counting the calls it holds at once. */
    private HttpServer cartServer(int maxConcurrentStreams) {
        GrpcServer grpc = GrpcServer.server(vertx);
        grpc.addService(CartServiceGrpcService.of(new CartServiceService() {
            @Override
            public Future<Cart> createCart(CreateCartRequest request) {
                return Future.succeededFuture(Cart.newBuilder().setCartId("cart-" + request.getCurrencyCode()).build());
            }

            @Override
            public Future<Cart> getCart(GetCartRequest request) {
                return Future.failedFuture(new StatusException(GrpcStatus.NOT_FOUND, "no cart " + request.getCartId()));
            }

            @Override
            public Future<Cart> addItem(AddItemRequest request) {
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                Promise<Cart> answer = Promise.promise();
                vertx.setTimer(1, id -> {
                    inFlight.decrementAndGet();
                    answer.complete(Cart.newBuilder().setCartId(request.getCartId()).build());
                });
                return answer.future();
            }
        }));
        return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setHttp2ClearTextEnabled(true)
                .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(maxConcurrentStreams)))
            .requestHandler(grpc).listen().await();
    }

    private H2GrpcClient connect(HttpServer server, int connections) {
        return connect(server, connections, H2GrpcClient.Pick.FEWEST);
    }

    private H2GrpcClient connect(HttpServer server, int connections, H2GrpcClient.Pick pick) {
        return H2GrpcClient.connect(driverContext.nettyEventLoop(), ((VertxInternal) vertx).transport().channelFactory(false),
            "127.0.0.1", server.actualPort(), connections, true, pick).await();
    }

    /** Runs {@code calls} on the driver's event loop, as the driver makes its calls, and waits for the outcome. */
    private <T> T onDriverLoop(Supplier<Future<T>> calls) {
        // A failure comes out as a CompletionException whose cause is the call's.
        return OnContext.call(driverContext, calls).toCompletionStage().toCompletableFuture().join();
    }
}
