package dev.cartwright.service.call;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.service.call.CallClassification.Kind;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.StreamResetException;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GuardedCallTest {

    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void everyStatusHasOneKind() {
        Map<GrpcStatus, Kind> expected = new EnumMap<>(GrpcStatus.class);
        for (GrpcStatus s : new GrpcStatus[] {GrpcStatus.INVALID_ARGUMENT, GrpcStatus.NOT_FOUND, GrpcStatus.ALREADY_EXISTS,
            GrpcStatus.PERMISSION_DENIED, GrpcStatus.UNAUTHENTICATED, GrpcStatus.FAILED_PRECONDITION, GrpcStatus.OUT_OF_RANGE,
            GrpcStatus.UNIMPLEMENTED}) {
            expected.put(s, Kind.REFUSED);
        }
        for (GrpcStatus s : new GrpcStatus[] {GrpcStatus.UNAVAILABLE, GrpcStatus.RESOURCE_EXHAUSTED, GrpcStatus.ABORTED}) {
            expected.put(s, Kind.UNAVAILABLE);
        }
        for (GrpcStatus s : new GrpcStatus[] {GrpcStatus.OK, GrpcStatus.DEADLINE_EXCEEDED, GrpcStatus.CANCELLED, GrpcStatus.INTERNAL,
            GrpcStatus.UNKNOWN, GrpcStatus.DATA_LOSS}) {
            expected.put(s, Kind.UNKNOWN);
        }
        assertThat(expected).hasSize(GrpcStatus.values().length);
        for (GrpcStatus status : GrpcStatus.values()) {
            assertThat(CallClassification.of(status)).as("%s", status).isEqualTo(expected.get(status));
            // However the status reached us, it means the same.
            assertThat(CallClassification.of(new InvalidStatusException(GrpcStatus.OK, status))).as("%s", status)
                .isEqualTo(expected.get(status));
            assertThat(CallClassification.of(new StatusException(status, "x"))).as("%s", status).isEqualTo(expected.get(status));
        }
    }

    @Test
    void failuresBelowGrpcAreUnavailableOnlyWhenNothingCanHaveBeenSent() {
        assertThat(CallClassification.of(OpenCircuitException.INSTANCE)).isEqualTo(Kind.UNAVAILABLE);
        assertThat(CallClassification.of(new ConnectException("refused"))).isEqualTo(Kind.UNAVAILABLE);
        assertThat(CallClassification.of(new UnknownHostException("nowhere"))).isEqualTo(Kind.UNAVAILABLE);
        assertThat(CallClassification.of(new ConnectTimeoutException("slow connect"))).isEqualTo(Kind.UNAVAILABLE);
        assertThat(CallClassification.of(new StreamResetException(8))).isEqualTo(Kind.UNKNOWN);
        assertThat(CallClassification.of(io.vertx.circuitbreaker.TimeoutException.INSTANCE)).isEqualTo(Kind.UNKNOWN);
        assertThat(CallClassification.of(new GuardedCall.TimedOut(100))).isEqualTo(Kind.UNKNOWN);
        assertThat(CallClassification.of(new IllegalStateException("connection closed"))).isEqualTo(Kind.UNKNOWN);
    }

    @Test
    void aRefusalIsAnAnswerNeitherRetriedNorCounted() {
        GuardedCall call = new GuardedCall("customer", vertx, policy(2, 1));
        AtomicInteger attempts = new AtomicInteger();
        CallOutcome<String> outcome = await(call.call("GetCustomer", () -> {
            attempts.incrementAndGet();
            return Future.failedFuture(new StatusException(GrpcStatus.NOT_FOUND, "no customer c-1"));
        }));
        assertThat(outcome).isEqualTo(new CallOutcome.Failed<String>(
            new CallFailure.Refused("customer", "GetCustomer", GrpcStatus.NOT_FOUND, "no customer c-1")));
        assertThat(attempts).hasValue(1);
        assertThat(call.state()).as("one failure opens this breaker; a refusal is none").isEqualTo(CircuitBreakerState.CLOSED);
    }

    @Test
    void anOutageIsRetriedBoundedlyThenUnavailable() {
        GuardedCall call = new GuardedCall("pricing", vertx, policy(2, 100));
        AtomicInteger attempts = new AtomicInteger();
        CallOutcome<String> flaky = await(call.call("ListPrices", () -> attempts.incrementAndGet() < 3
            ? Future.failedFuture(new InvalidStatusException(GrpcStatus.OK, GrpcStatus.UNAVAILABLE))
            : Future.succeededFuture("prices")));
        assertThat(flaky).isEqualTo(new CallOutcome.Answered<>("prices"));
        assertThat(attempts).hasValue(3);

        AtomicInteger down = new AtomicInteger();
        CallOutcome<String> alwaysDown = await(call.call("ListPrices", () -> {
            down.incrementAndGet();
            return Future.failedFuture(new InvalidStatusException(GrpcStatus.OK, GrpcStatus.UNAVAILABLE));
        }));
        assertThat(alwaysDown).isEqualTo(new CallOutcome.Failed<String>(
            new CallFailure.Unavailable("pricing", "ListPrices", "UNAVAILABLE")));
        assertThat(down).as("one attempt plus two retries").hasValue(3);
    }

    @Test
    void aCallWhoseAttemptTimedOutStaysInDoubtWhateverLaterAttemptsFound() {
        GuardedCall call = new GuardedCall("order", vertx, policy(1, 100).withTimeout(Duration.ofMillis(100)));
        CallOutcome<String> late = await(call.call("CreateOrder", () -> vertx.timer(5, TimeUnit.SECONDS).map("late")));
        assertThat(late).isInstanceOfSatisfying(CallOutcome.Failed.class,
            f -> assertThat(f.failure()).isInstanceOf(CallFailure.Unknown.class));
        assertThat(((CallOutcome.Failed<String>) late).failure().describe()).contains("CreateOrder").contains("may have acted");

        AtomicInteger attempts = new AtomicInteger();
        CallOutcome<String> mixed = await(call.call("CreateOrder", () -> attempts.incrementAndGet() == 1
            ? vertx.timer(5, TimeUnit.SECONDS).map("late")
            : Future.failedFuture(new StatusException(GrpcStatus.UNAVAILABLE, "down"))));
        assertThat(mixed).as("an outage after a timeout leaves the first attempt in doubt")
            .isInstanceOfSatisfying(CallOutcome.Failed.class, f -> assertThat(f.failure()).isInstanceOf(CallFailure.Unknown.class));

        CallOutcome<String> down = await(call.call("CreateOrder", () -> Future.failedFuture(new StatusException(GrpcStatus.UNAVAILABLE,
            "down"))));
        assertThat(down).isInstanceOfSatisfying(CallOutcome.Failed.class,
            f -> assertThat(f.failure()).isInstanceOf(CallFailure.Unavailable.class));

        CallOutcome<String> cancelled = await(call.call("CreateOrder", () -> Future.failedFuture(new InvalidStatusException(GrpcStatus.OK,
            GrpcStatus.CANCELLED))));
        assertThat(cancelled).as("CANCELLED after the call was sent may have acted")
            .isInstanceOfSatisfying(CallOutcome.Failed.class, f -> assertThat(f.failure()).isInstanceOf(CallFailure.Unknown.class));
    }

    @Test
    void anOpenCircuitFailsFastAsUnavailableWithoutCallingTheNeighbour() {
        GuardedCall call = new GuardedCall("promotion", vertx, policy(0, 2).withResetTimeout(Duration.ofMinutes(5)));
        for (int i = 0; i < 2; i++) {
            await(call.call("GetCustomerUsage", () -> Future.<String>failedFuture(new InvalidStatusException(GrpcStatus.OK,
                GrpcStatus.UNAVAILABLE))));
        }
        AtomicInteger calls = new AtomicInteger();
        CallOutcome<String> blocked = await(call.call("GetCustomerUsage", () -> {
            calls.incrementAndGet();
            return Future.succeededFuture("usage");
        }));
        assertThat(blocked).isEqualTo(new CallOutcome.Failed<String>(new CallFailure.Unavailable("promotion", "GetCustomerUsage",
            "circuit open")));
        assertThat(((CallOutcome.Failed<String>) blocked).failure().describe())
            .isEqualTo("promotion unavailable (GetCustomerUsage: circuit open)");
        assertThat(calls).hasValue(0);
    }

    @Test
    void orFailCarriesTheFailureInTheFuture() {
        GuardedCall call = new GuardedCall("payment", vertx, policy(0, 5));
        Throwable e = call.orFail("CapturePayment", () -> Future.<String>failedFuture(new StatusException(GrpcStatus.FAILED_PRECONDITION,
                "voided")))
            .transform(ar -> Future.succeededFuture(ar.cause())).await();
        assertThat(e).isInstanceOfSatisfying(CallFailedException.class, f -> {
            assertThat(f.failure().status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
            assertThat(f.getMessage()).isEqualTo("payment refused CapturePayment (FAILED_PRECONDITION): voided");
        });
    }

    private static CallPolicy policy(int retries, int maxFailures) {
        return new CallPolicy(Duration.ofSeconds(1), retries, Duration.ofMillis(5), Duration.ofMillis(20), maxFailures,
            Duration.ofSeconds(5));
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
