package dev.cartwright.service.grpc;

import dev.cartwright.service.call.CallFailedException;
import dev.cartwright.service.call.CallFailure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the edge of every RPC: it times the call, counts it by outcome status, and makes sure a
 * client only ever sees a gRPC status with its details. An {@link RpcError} passes through (a plain
 * {@code StatusException} becomes one with the ErrorInfo its status names), a neighbour's failure
 * ({@link CallFailedException}) becomes FAILED_PRECONDITION or UNAVAILABLE naming the neighbour; anything
 * else is a bug on our side, logged with a reference the client also receives, and sent as INTERNAL.
 */
public final class Rpc {

    private static final Logger LOG = LoggerFactory.getLogger(Rpc.class);

    private final MeterRegistry registry;
    private final String service;
    /** Per method, its timers by status ordinal: found without building a key string on every call. */
    private final ConcurrentMap<String, AtomicReferenceArray<Timer>> timers = new ConcurrentHashMap<>();

    public Rpc(MeterRegistry registry, String service) {
        this.registry = registry;
        this.service = service;
    }

    public <T> Future<T> call(String method, Supplier<Future<T>> body) {
        long start = System.nanoTime();
        Future<T> result;
        try {
            result = body.get();
        } catch (RuntimeException e) {
            result = Future.failedFuture(e);
        }
        return result.transform(ar -> {
            if (ar.succeeded()) {
                record(method, GrpcStatus.OK, start);
                return Future.succeededFuture(ar.result());
            }
            RpcError error = toError(method, ar.cause());
            record(method, error.status(), start);
            return Future.failedFuture(error);
        });
    }

    private RpcError toError(String method, Throwable failure) {
        RpcError error = RpcError.from(failure);
        if (error != null) {
            return error;
        }
        if (failure instanceof CallFailedException neighbour) {
            // A neighbour's "no" to a call of ours is a precondition our caller cannot change by asking again; no answer at
            // all is UNAVAILABLE (every call we make is idempotent, so the client may retry).
            CallFailure call = neighbour.failure();
            RpcError told = call instanceof CallFailure.Refused
                ? RpcError.failedPrecondition("NEIGHBOUR_REFUSED", call.neighbour() + "/" + call.operation(), neighbour.getMessage())
                : RpcError.unavailable(call instanceof CallFailure.Unknown ? "OUTCOME_UNKNOWN" : "DEPENDENCY_UNAVAILABLE",
                    neighbour.getMessage());
            return told.with("neighbour", call.neighbour()).with("operation", call.operation());
        }
        String reference = UUID.randomUUID().toString();
        LOG.error("rpc={}.{} failed unexpectedly ref={}", service, method, reference, failure);
        return RpcError.internal(reference);
    }

    private void record(String method, GrpcStatus status, long startNanos) {
        AtomicReferenceArray<Timer> byStatus = timers.get(method);
        if (byStatus == null) {
            byStatus = timers.computeIfAbsent(method, m -> new AtomicReferenceArray<>(GrpcStatus.values().length));
        }
        Timer timer = byStatus.get(status.ordinal());
        if (timer == null) {
            // Racing threads may both build it; the registry hands both the same meter.
            timer = Timer.builder("cartwright.rpc")
                .description("RPC latency by method and gRPC status")
                .tag("service", service)
                .tag("method", method)
                .tag("status", status.name())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
            byStatus.set(status.ordinal(), timer);
        }
        timer.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
