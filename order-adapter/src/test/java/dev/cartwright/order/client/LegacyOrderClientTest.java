package dev.cartwright.order.client;

import dev.cartwright.net.OnContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.cartwright.proto.common.v1.Money;
import dev.cartwright.service.call.CallPolicy;
import dev.cartwright.proto.platform.v1.CreateOrderRequest;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.OrderItem;
import dev.cartwright.sim.PlatformSim;
import dev.cartwright.sim.ServiceKnobs;
import dev.cartwright.sim.SimConfig;
import dev.cartwright.sim.SimService;

import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** The Order service client against the order simulator, in-process on free ports. */
class LegacyOrderClientTest {

    private Vertx vertx;
    private PlatformSim sim;
    private Context context;
    private LegacyOrderClient client;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        sim = wait(PlatformSim.start(vertx, SimConfig.defaults().withBasePort(0)));
        // Every call starts on one context of the test's own, so its continuations never run on the test thread.
        context = vertx.getOrCreateContext();
        // A generous deadline: no test here depends on it, and a busy machine must not turn a call into a timeout.
        client = clientWith(CallPolicy.DEFAULT.withTimeout(Duration.ofSeconds(10)).withMaxFailures(3)
            .withResetTimeout(Duration.ofMinutes(5)).withRetries(1));
    }

    @AfterEach
    void stop() throws Exception {
        wait(client.close());
        wait(sim.close());
        wait(vertx.close());
    }

    @Test
    void createsTheOrderOfACheckoutWithTheCheckoutIdAsIdempotencyKey() throws Exception {
        OrderResult result = call(() -> client.createOrder(request("chk-1")));

        OrderDetails order = ((OrderResult.Order) result).details();
        assertThat(order.getCheckoutId()).isEqualTo("chk-1");
        assertThat(order.getCustomerId()).isEqualTo("cust-1");
        assertThat(order.getGrandTotal().getAmountMinor()).isEqualTo(2 * 1299);
        assertThat(sim.order().orderByIdempotencyKey("chk-1")).map(OrderDetails::getOrderId).contains(order.getOrderId());
    }

    @Test
    void aRetriedCreateOrderReturnsTheSameOrder() throws Exception {
        OrderDetails first = ((OrderResult.Order) call(() -> client.createOrder(request("chk-2")))).details();
        OrderDetails second = ((OrderResult.Order) call(() -> client.createOrder(request("chk-2")
            .toBuilder().setIdempotencyKey("chk-2").build()))).details();

        assertThat(second.getOrderId()).isEqualTo(first.getOrderId());
        assertThat(sim.order().orderCount()).isEqualTo(1);
    }

    @Test
    void getsAnOrderAndSaysWhenThereIsNone() throws Exception {
        OrderDetails created = ((OrderResult.Order) call(() -> client.createOrder(request("chk-3")))).details();

        OrderResult found = call(() -> client.getOrder(created.getOrderId()));
        OrderResult missing = call(() -> client.getOrder("ord-nope"));

        assertThat(found).isEqualTo(new OrderResult.Order(created));
        assertThat(missing).isEqualTo(new OrderResult.NotFound("ord-nope"));
    }

    @Test
    void aRefusalKeepsTheServicesStatusAndWordsAndIsNotRetried() throws Exception {
        OrderResult result = call(() -> client.createOrder(CreateOrderRequest.newBuilder()
            .setCheckoutId("chk-4").setCustomerId("cust-1").build()));

        assertThat(result).isEqualTo(new OrderResult.Refused(GrpcStatus.INVALID_ARGUMENT, "items must not be empty"));
        assertThat(orderKnobs().calls()).isEqualTo(1);
        assertThat(client.breakerState()).isEqualTo(CircuitBreakerState.CLOSED);
    }

    @Test
    void anIdempotencyKeyOtherThanTheCheckoutIdIsRefusedWithoutACall() throws Exception {
        OrderResult result = call(() -> client.createOrder(request("chk-5").toBuilder().setIdempotencyKey("other").build()));

        assertThat(result).isInstanceOf(OrderResult.Refused.class);
        assertThat(((OrderResult.Refused) result).status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(orderKnobs().calls()).isZero();
    }

    @Test
    void oneFailedAttemptIsRetriedAndCreatesOneOrder() throws Exception {
        orderKnobs().failNext(1);

        OrderResult result = call(() -> client.createOrder(request("chk-6")));

        assertThat(result).isInstanceOf(OrderResult.Order.class);
        assertThat(orderKnobs().calls()).isEqualTo(2);
        assertThat(sim.order().orderCount()).isEqualTo(1);
    }

    @Test
    void aServiceThatIsDownIsUnavailableAfterTheRetries() throws Exception {
        orderKnobs().down(true);

        OrderResult result = call(() -> client.createOrder(request("chk-7")));

        assertThat(result).isInstanceOf(OrderResult.Unavailable.class);
        assertThat(((OrderResult.Unavailable) result).reason()).contains("CreateOrder").contains("UNAVAILABLE");
        assertThat(orderKnobs().calls()).isEqualTo(2);
        Throwable edge = failureOf(result.toFuture());
        assertThat(edge).isInstanceOf(StatusException.class);
        assertThat(((StatusException) edge).status()).isEqualTo(GrpcStatus.UNAVAILABLE);
    }

    @Test
    void repeatedOutagesOpenTheCircuitAndLaterCallsFailWithoutReachingTheService() throws Exception {
        orderKnobs().down(true);
        // Three calls in a row that got no answer (maxFailures 3; the breaker counts a call once, retries included).
        call(() -> client.getOrder("ord-1"));
        call(() -> client.getOrder("ord-1"));
        call(() -> client.getOrder("ord-1"));
        assertThat(client.breakerState()).isEqualTo(CircuitBreakerState.OPEN);
        long callsWhenOpened = orderKnobs().calls();
        orderKnobs().down(false);

        OrderResult result = call(() -> client.getOrder("ord-1"));

        assertThat(result).isEqualTo(new OrderResult.Unavailable("order unavailable (GetOrder: circuit open)"));
        assertThat(orderKnobs().calls()).isEqualTo(callsWhenOpened);
    }

    @Test
    void anAnswerLaterThanTheDeadlineIsAnUnknownOutcomeAndTheRetryFindsTheSameOrder() throws Exception {
        LegacyOrderClient impatient = clientWith(CallPolicy.DEFAULT.withTimeout(Duration.ofMillis(100)).withRetries(0));
        orderKnobs().latencyMs(1_000);

        OrderResult late = call(() -> impatient.createOrder(request("chk-8")));
        orderKnobs().latencyMs(0);
        // The retry goes through a client with a generous deadline: what is shown is that it finds the order the late
        // call created, not how fast it answers.
        OrderResult retried = call(() -> client.createOrder(request("chk-8")));

        // The order was created: "unavailable" (nothing happened) would be wrong; the outcome is unknown until the retry.
        assertThat(late).isInstanceOf(OrderResult.Unknown.class);
        assertThat(((OrderResult.Unknown) late).reason()).contains("CreateOrder").contains("may have acted");
        OrderDetails order = ((OrderResult.Order) retried).details();
        assertThat(sim.order().orderByIdempotencyKey("chk-8")).map(OrderDetails::getOrderId).contains(order.getOrderId());
        assertThat(sim.order().orderCount()).isEqualTo(1);
        wait(impatient.close());
    }

    @Test
    void notFoundAndRefusalsBecomeTheirOwnStatusesAtTheEdge() throws Exception {
        Throwable notFound = failureOf(new OrderResult.NotFound("ord-9").toFuture());
        Throwable refused = failureOf(new OrderResult.Refused(GrpcStatus.FAILED_PRECONDITION, "paid already").toFuture());

        assertThat(((StatusException) notFound).status()).isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(((StatusException) refused).status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(((StatusException) refused).message()).isEqualTo("paid already");
    }

    private LegacyOrderClient clientWith(CallPolicy settings) {
        return LegacyOrderClient.create(vertx, sim.address(SimService.ORDER), settings);
    }

    private ServiceKnobs orderKnobs() {
        return sim.knobs(SimService.ORDER);
    }

    private static CreateOrderRequest request(String checkoutId) {
        Money unit = Money.newBuilder().setAmountMinor(1299).setCurrencyCode("USD").build();
        return CreateOrderRequest.newBuilder()
            .setCheckoutId(checkoutId)
            .setCustomerId("cust-1")
            .addItems(OrderItem.newBuilder().setProductId("456").setQuantity(2).setUnitPrice(unit))
            .build();
    }

    private <T> T call(Supplier<Future<T>> call) throws Exception {
        return OnContext.call(context, call).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static <T> T wait(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(Future<?> future) {
        if (future.succeeded()) {
            fail("expected a failure, got " + future.result());
        }
        return future.cause();
    }
}
