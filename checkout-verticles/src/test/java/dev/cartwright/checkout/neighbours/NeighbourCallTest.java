package dev.cartwright.checkout.neighbours;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.service.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class NeighbourCallTest {

    @Test
    void onlyTheNeighboursOwnTroubleIsTransient() {
        assertThat(NeighbourCall.isTransient(new InvalidStatusException(GrpcStatus.OK, GrpcStatus.UNAVAILABLE))).isTrue();
        assertThat(NeighbourCall.isTransient(new InvalidStatusException(GrpcStatus.OK, GrpcStatus.DEADLINE_EXCEEDED))).isTrue();
        assertThat(NeighbourCall.isTransient(new java.net.ConnectException("refused"))).isTrue();
        assertThat(NeighbourCall.isTransient(new InvalidStatusException(GrpcStatus.OK, GrpcStatus.NOT_FOUND))).isFalse();
        assertThat(NeighbourCall.isTransient(new InvalidStatusException(GrpcStatus.OK, GrpcStatus.INVALID_ARGUMENT))).isFalse();
    }

    @Test
    void onlyAFailureAfterTheCallMayHaveReachedTheNeighbourLeavesItsOutcomeUnknown() {
        assertThat(NeighbourCall.mayHaveActed(io.vertx.circuitbreaker.TimeoutException.INSTANCE)).isTrue();
        assertThat(NeighbourCall.mayHaveActed(new io.vertx.core.http.StreamResetException(8))).isTrue();
        assertThat(NeighbourCall.mayHaveActed(new InvalidStatusException(GrpcStatus.OK, GrpcStatus.DEADLINE_EXCEEDED))).isTrue();
        assertThat(NeighbourCall.mayHaveActed(new InvalidStatusException(GrpcStatus.OK, GrpcStatus.CANCELLED))).isTrue();
        assertThat(NeighbourCall.mayHaveActed(new StatusException(GrpcStatus.INTERNAL, "boom"))).isTrue();
        assertThat(NeighbourCall.mayHaveActed(new java.net.ConnectException("refused"))).isFalse();
        assertThat(NeighbourCall.mayHaveActed(io.vertx.circuitbreaker.OpenCircuitException.INSTANCE)).isFalse();
        assertThat(NeighbourCall.mayHaveActed(new StatusException(GrpcStatus.UNAVAILABLE, "down"))).isFalse();
        assertThat(NeighbourCall.mayHaveActed(new InvalidStatusException(GrpcStatus.OK, GrpcStatus.RESOURCE_EXHAUSTED))).isFalse();
    }

    @Test
    void aChangeWhoseEveryAttemptTimedOutFailsAsUnknownAndOneNeverSentAsUnavailable() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            NeighbourCall call = new NeighbourCall("order", vertx, Duration.ofMillis(100), 100, Duration.ofSeconds(5), 1);
            Throwable unknown = call.idempotent("CreateOrder", () -> vertx.timer(5, TimeUnit.SECONDS).map("late"))
                .transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
            assertThat(unknown).isInstanceOf(NeighbourOutcomeUnknown.class).hasMessageContaining("CreateOrder");
            AtomicInteger calls = new AtomicInteger();
            Throwable mixed = call.idempotent("CreateOrder", () -> calls.incrementAndGet() == 1
                    ? vertx.timer(5, TimeUnit.SECONDS).map("late")
                    : Future.<String>failedFuture(new StatusException(GrpcStatus.UNAVAILABLE, "down")))
                .transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
            assertThat(mixed).as("an outage after a timeout leaves the first attempt in doubt").isInstanceOf(NeighbourOutcomeUnknown.class);
            Throwable down = call.idempotent("CreateOrder", () -> Future.<String>failedFuture(new StatusException(GrpcStatus.UNAVAILABLE,
                    "down")))
                .transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
            assertThat(down).isInstanceOf(StatusException.class);
            assertThat(((StatusException) down).status()).isEqualTo(GrpcStatus.UNAVAILABLE);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void readsAreRetriedBoundedlyAndFailuresBecomeUnavailable() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            NeighbourCall call = new NeighbourCall("pricing", vertx, Duration.ofSeconds(1), 100, Duration.ofSeconds(5), 2);
            AtomicInteger attempts = new AtomicInteger();
            Future<String> flaky = call.read("GetPrices", () -> attempts.incrementAndGet() < 3
                ? Future.failedFuture(new InvalidStatusException(GrpcStatus.OK, GrpcStatus.UNAVAILABLE))
                : Future.succeededFuture("prices"));
            assertThat(flaky.await(5, TimeUnit.SECONDS)).isEqualTo("prices");
            assertThat(attempts).hasValue(3);

            AtomicInteger down = new AtomicInteger();
            Future<String> alwaysDown = call.read("GetPrices", () -> {
                down.incrementAndGet();
                return Future.failedFuture(new InvalidStatusException(GrpcStatus.OK, GrpcStatus.UNAVAILABLE));
            });
            Assertions.assertThatThrownBy(() -> alwaysDown.await(5, TimeUnit.SECONDS)).isInstanceOf(StatusException.class)
                .satisfies(e -> assertThat(((StatusException) e).status()).isEqualTo(GrpcStatus.UNAVAILABLE));
            assertThat(down).as("one attempt plus two retries").hasValue(3);

            AtomicInteger answered = new AtomicInteger();
            Future<String> notFound = call.once("GetCustomer", () -> {
                answered.incrementAndGet();
                return Future.failedFuture(new InvalidStatusException(GrpcStatus.OK, GrpcStatus.NOT_FOUND));
            });
            Assertions.assertThatThrownBy(() -> notFound.await(5, TimeUnit.SECONDS)).isInstanceOf(StatusException.class);
            assertThat(answered).hasValue(1);
        } finally {
            vertx.close().await(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anOpenBreakerFailsFastWithoutCallingTheNeighbour() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            NeighbourCall call = new NeighbourCall("promotion", vertx, Duration.ofSeconds(1), 2, Duration.ofMinutes(5), 0);
            for (int i = 0; i < 2; i++) {
                call.read("GetCustomerUsage", () -> Future.<String>failedFuture(
                    new InvalidStatusException(GrpcStatus.OK, GrpcStatus.UNAVAILABLE))).otherwiseEmpty().await(5, TimeUnit.SECONDS);
            }
            AtomicInteger calls = new AtomicInteger();
            Future<String> blocked = call.read("GetCustomerUsage", () -> {
                calls.incrementAndGet();
                return Future.succeededFuture("usage");
            });
            Assertions.assertThatThrownBy(() -> blocked.await(5, TimeUnit.SECONDS)).isInstanceOf(StatusException.class)
                .satisfies(e -> assertThat(((StatusException) e).message()).isEqualTo(
                    "promotion unavailable (GetCustomerUsage: circuit open)"));
            assertThat(calls).hasValue(0);
        } finally {
            vertx.close().await(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void addressesAreHostColonPort() {
        assertThat(NeighbourAddresses.parse("K", "127.0.0.1:9101").port()).isEqualTo(9101);
        assertThat(NeighbourAddresses.parse("K", "[::1]:9101").host()).isEqualTo("::1");
        Assertions.assertThatThrownBy(() -> NeighbourAddresses.parse("K", "nohost")).isInstanceOf(ConfigException.class);
        Assertions.assertThatThrownBy(() -> NeighbourAddresses.parse("K", "h:0")).isInstanceOf(ConfigException.class);
    }
}
