package dev.cartwright.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.net.OnContext;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CheckoutServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.proto.checkout.v1.StartCheckoutRequest;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.returns.v1.CreateReturnRequest;
import dev.cartwright.proto.returns.v1.GetReturnRequestRequest;
import dev.cartwright.proto.returns.v1.ReturnItemRequest;
import dev.cartwright.proto.returns.v1.ReturnServiceGrpcClient;
import dev.cartwright.service.grpc.RpcError;
import dev.cartwright.sim.PlatformSim;
import dev.cartwright.sim.SimConfig;
import dev.cartwright.sim.SimService;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Order service's own cart, checkout and return endpoints (over order_db) answer their errors with the google.rpc
 * details the new services give: an ErrorInfo in the cartwright.dev domain with the same reason the Checkout or Return
 * Service gives for the same case, BadRequest naming the field, PreconditionFailure naming the resource, RetryInfo on
 * UNAVAILABLE; status and message as before. Read back as a gRPC client and an HTTP/JSON client receive them.
 */
@ExtendWith(RealServices.class)
class LegacyErrorDetailsIT {

    private static Vertx vertx;
    private static PlatformSim sim;
    private static LegacyOrderService legacy;
    private static GrpcClient grpc;
    private static HttpClient http;
    private static SocketAddress address;

    /** What a failed call told the client. */
    private record Failure(GrpcStatus status, String message, RpcError.Received details) {
    }

    @BeforeAll
    static void start(PostgresInfo postgres) {
        vertx = Vertx.vertx();
        sim = SplitStack.await(PlatformSim.start(vertx, SimConfig.defaults().withBasePort(0)));
        Map<String, String> env = new HashMap<>();
        env.put("CARTWRIGHT_PG_HOST", postgres.host());
        env.put("CARTWRIGHT_PG_PORT", Integer.toString(postgres.port()));
        env.put("CARTWRIGHT_PG_USER", postgres.user());
        env.put("CARTWRIGHT_PG_PASSWORD", postgres.password());
        env.put("CARTWRIGHT_LEGACY_DB", postgres.database());
        env.put("CARTWRIGHT_LEGACY_SCHEMA", postgres.freshSchema("legacy_errors"));
        env.put("CARTWRIGHT_LEGACY_PORT", "0");
        env.put("CARTWRIGHT_ORDER_ADDR", "127.0.0.1:" + sim.port(SimService.ORDER));
        env.put("CARTWRIGHT_PRICING_ADDR", "127.0.0.1:" + sim.port(SimService.PRICING));
        legacy = SplitStack.await(LegacyOrderService.start(vertx, env));
        grpc = GrpcClient.client(vertx, new GrpcClientOptions(),
            new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        http = vertx.createHttpClient();
        address = SocketAddress.inetSocketAddress(legacy.port(), "127.0.0.1");
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            SplitStack.await(grpc.close().eventually(http::close).eventually(legacy::close).eventually(sim::close));
            SplitStack.await(vertx.close());
        }
    }

    @AfterEach
    void wellBehavedNeighbours() {
        sim.resetKnobs();
    }

    @Test
    void aMissingFieldIsInvalidFieldNamingIt() {
        Cart cart = ok(CartServiceGrpcClient.CreateCart, CreateCartRequest.newBuilder().setCustomerId("c-1").build());
        Failure failure = fail(CartServiceGrpcClient.AddItem,
            AddItemRequest.newBuilder().setCartId(cart.getCartId()).setQuantity(1).build());

        assertThat(failure.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(failure.message()).isEqualTo("product_id is required");
        assertThat(failure.details().errorInfo().getReason()).isEqualTo(RpcError.INVALID_FIELD);
        assertThat(failure.details().errorInfo().getDomain()).isEqualTo(RpcError.DOMAIN);
        assertThat(failure.details().fieldViolations()).containsExactly("product_id");
    }

    @Test
    void aMissingCartCheckoutOrReturnIsNotFoundWithTheServicesReasons() {
        Failure cart = fail(CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId("no-such-cart").build());
        Failure ret = fail(ReturnServiceGrpcClient.GetReturnRequest,
            GetReturnRequestRequest.newBuilder().setReturnId("no-such-return").build());
        Failure order = fail(ReturnServiceGrpcClient.CreateReturnRequest, CreateReturnRequest.newBuilder().setOrderId("no-such-order")
            .setCustomerId("123").addItems(ReturnItemRequest.newBuilder().setOrderItemId("1").setQuantity(1).setReason("defective"))
            .build());

        assertThat(cart.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(cart.details().errorInfo().getReason()).isEqualTo("CART_NOT_FOUND");
        assertThat(ret.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(ret.details().errorInfo().getReason()).isEqualTo("RETURN_NOT_FOUND");
        assertThat(order.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(order.message()).isEqualTo("no order no-such-order");
        assertThat(order.details().errorInfo().getReason()).isEqualTo("ORDER_NOT_FOUND");
    }

    @Test
    void aRefusedStateNamesItsReasonAndTheResource() {
        Cart cart = ok(CartServiceGrpcClient.CreateCart, CreateCartRequest.newBuilder().setCustomerId("c-2").build());
        Failure empty = fail(CheckoutServiceGrpcClient.StartCheckout,
            StartCheckoutRequest.newBuilder().setCartId(cart.getCartId()).build());
        Failure stale = fail(CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder().setCartId(cart.getCartId()).setProductId("456")
            .setQuantity(1).setExpectedVersion(cart.getVersion() + 5).build());

        assertThat(empty.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(empty.message()).isEqualTo("cart " + cart.getCartId() + " is empty");
        assertThat(empty.details().errorInfo().getReason()).isEqualTo("CART_EMPTY");
        assertThat(empty.details().preconditionViolations()).singleElement().satisfies(v -> {
            assertThat(v.getType()).isEqualTo("CART_EMPTY");
            assertThat(v.getSubject()).isEqualTo("carts/" + cart.getCartId());
        });
        assertThat(stale.status()).as("as the Order service always answered").isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(stale.details().errorInfo().getReason()).isEqualTo("STALE_VERSION");
        assertThat(stale.details().errorInfo().getMetadataMap()).containsEntry("current_version", Long.toString(cart.getVersion()));
    }

    @Test
    void returningMoreUnitsThanWereBoughtIsNotEligible() {
        OrderDetails order = SplitStack.await(sim.newDemoOrder());
        Failure failure = fail(ReturnServiceGrpcClient.CreateReturnRequest, CreateReturnRequest.newBuilder().setOrderId(order.getOrderId())
            .setCustomerId(order.getCustomerId()).addItems(ReturnItemRequest.newBuilder().setOrderItemId(order.getItems(0).getOrderItemId())
                .setQuantity((int) order.getItems(0).getQuantity() + 1).setReason("defective")).build());

        assertThat(failure.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(failure.details().errorInfo().getReason()).isEqualTo("NOT_ELIGIBLE");
        assertThat(failure.details().preconditionViolations()).singleElement()
            .satisfies(v -> assertThat(v.getSubject()).isEqualTo("orders/" + order.getOrderId()));
    }

    @Test
    void pricingDownIsUnavailableWithWhenToRetry() {
        Cart cart = ok(CartServiceGrpcClient.CreateCart, CreateCartRequest.newBuilder().setCustomerId("c-3").build());
        sim.knobs(SimService.PRICING).down(true);

        Failure failure = fail(CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder().setCartId(cart.getCartId()).setProductId("456")
            .setQuantity(1).build());

        assertThat(failure.status()).isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(failure.details().errorInfo().getReason()).isEqualTo("DEPENDENCY_UNAVAILABLE");
        assertThat(failure.details().errorInfo().getMetadataMap()).containsEntry("neighbour", "pricing");
        assertThat(failure.details().retryDelay()).contains(Duration.ofSeconds(1));
    }

    @Test
    void overHttpJsonTheBodyCarriesTheSameDetails() {
        String body = exchange(() -> http.request(HttpMethod.GET, legacy.port(), "127.0.0.1", "/v1/carts/no-such-cart")
            .compose(request -> request.send())
            .compose(response -> response.body().map(buffer -> {
                assertThat(response.statusCode()).isEqualTo(404);
                return buffer.toString();
            })));

        assertThat(RpcError.Received.fromJson(body).errorInfo().getReason()).isEqualTo("CART_NOT_FOUND");
    }

    private static <Q, R> R ok(ServiceMethod<R, Q> method, Q request) {
        SplitStack.Reply<R> reply = exchange(() -> grpc.request(address, method).compose(call -> call.send(request))
            .compose(response -> response.last().transform(last -> Future.succeededFuture(new SplitStack.Reply<>(response.status(),
                response.statusMessage(), last.succeeded() ? last.result() : null, null)))));
        assertThat(reply.status()).as("%s: %s", method.methodName(), reply.message()).isEqualTo(GrpcStatus.OK);
        return reply.body();
    }

    private static <Q, R> Failure fail(ServiceMethod<R, Q> method, Q request) {
        return exchange(() -> grpc.request(address, method).compose(call -> call.send(request))
            .compose(response -> response.last().transform(last -> {
                assertThat(last.succeeded()).as("%s succeeded, a failure was expected", method.methodName()).isFalse();
                return Future.succeededFuture(new Failure(response.status(), response.statusMessage(),
                    details(response.headers(), response.trailers())));
            })));
    }

    /** Makes a client call on a context of the test's Vert.x ({@link OnContext}) and waits for its result. */
    private static <T> T exchange(Supplier<Future<T>> call) {
        return SplitStack.await(OnContext.call(vertx, call));
    }

    private static RpcError.Received details(MultiMap headers, MultiMap trailers) {
        String value = trailers == null ? null : trailers.get(RpcError.DETAILS_HEADER);
        value = value == null ? headers.get(RpcError.DETAILS_HEADER) : value;
        assertThat(value).as(RpcError.DETAILS_HEADER).isNotNull();
        return RpcError.Received.fromHeader(value);
    }
}
