package dev.cartwright.sim;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

import dev.cartwright.service.grpc.RpcError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The knobs of one simulator and the gate every call of that simulator passes through: it decides, before the call
 * runs, whether the call is failed (down, fail-next, error rate), and delays the answer by the configured latency on a
 * Vert.x timer. Knobs may be turned from any thread; the current setting is one immutable {@link Knobs} value.
 */
public final class ServiceKnobs {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceKnobs.class);

    /** How long a commit-then-timeout call holds its answer: longer than any caller's deadline. */
    static final long HELD_ANSWER_MS = 30_000;

    private final SimService service;
    private final Vertx vertx;
    private final RandomGenerator random;
    private final AtomicReference<Knobs> current;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong injectedFailures = new AtomicLong();

    ServiceKnobs(SimService service, Vertx vertx, RandomGenerator random, Knobs initial) {
        this.service = service;
        this.vertx = vertx;
        this.random = random;
        this.current = new AtomicReference<>(initial);
    }

    public SimService service() {
        return service;
    }

    /** The setting in force now. */
    public Knobs current() {
        return current.get();
    }

    /** Replaces the whole setting. */
    public ServiceKnobs set(Knobs knobs) {
        current.set(knobs);
        LOG.info("knobs {}: {}", service.key(), knobs);
        return this;
    }

    /** Changes part of the setting, atomically with respect to other turns and to fail-next being used up. */
    public ServiceKnobs update(UnaryOperator<Knobs> change) {
        Knobs knobs = current.updateAndGet(change);
        LOG.info("knobs {}: {}", service.key(), knobs);
        return this;
    }

    /** Back to a well-behaved simulator. */
    public ServiceKnobs reset() {
        return set(Knobs.NONE);
    }

    public ServiceKnobs latencyMs(long millis) {
        return update(k -> k.withLatencyMs(millis));
    }

    public ServiceKnobs errorRate(double rate) {
        return update(k -> k.withErrorRate(rate));
    }

    public ServiceKnobs failNext(int count) {
        return update(k -> k.withFailNext(count));
    }

    public ServiceKnobs down(boolean down) {
        return update(k -> k.withDown(down));
    }

    public ServiceKnobs declineAll(boolean declineAll) {
        return update(k -> k.withDeclineAll(declineAll));
    }

    /** The next {@code count} calls do their work, then hold their answer back until the caller has timed out. */
    public ServiceKnobs commitThenTimeoutNext(int count) {
        return update(k -> k.withCommitThenTimeoutNext(count));
    }

    public ServiceKnobs outOfStock(Set<String> productIds) {
        return update(k -> k.withOutOfStock(productIds));
    }

    /** Calls that reached this simulator's gate since start. */
    public long calls() {
        return calls.get();
    }

    /** Calls this simulator failed on purpose (down, fail-next, error rate) since start. */
    public long injectedFailures() {
        return injectedFailures.get();
    }

    /** Whether the health service should report this simulator as serving. */
    public boolean serving() {
        return !current.get().down();
    }

    /**
     * Runs one call through the knobs: fails it with UNAVAILABLE when the knobs say so, otherwise runs it; either way
     * the answer leaves after the configured latency.
     */
    public <T> Future<T> gate(Supplier<Future<T>> call) {
        calls.incrementAndGet();
        Knobs knobs = current.get();
        String failure = injectedFailure(knobs);
        Future<Void> delay = delay(knobs.latencyMs());
        if (failure != null) {
            injectedFailures.incrementAndGet();
            // As a real service that is down answers: safe to retry, after RetryInfo's delay.
            return delay.compose(v -> Future.failedFuture(RpcError.unavailable("SERVICE_UNAVAILABLE", failure)
                .with("service", service.key())));
        }
        if (knobs.commitThenTimeoutNext() > 0 && useOneCommitThenTimeout()) {
            injectedFailures.incrementAndGet();
            // The work is done and kept; only the answer is lost, as when a connection drops after the commit.
            return delay.compose(v -> run(call)).transform(done -> delay(HELD_ANSWER_MS)).compose(v -> Future.failedFuture(
                new StatusException(GrpcStatus.DEADLINE_EXCEEDED, service.key() + " answered too late on purpose (commitThenTimeout)")));
        }
        return delay.compose(v -> run(call));
    }

    /** Takes one from commit-then-timeout if any is left. */
    private boolean useOneCommitThenTimeout() {
        while (true) {
            Knobs knobs = current.get();
            if (knobs.commitThenTimeoutNext() <= 0) {
                return false;
            }
            if (current.compareAndSet(knobs, knobs.withCommitThenTimeoutNext(knobs.commitThenTimeoutNext() - 1))) {
                return true;
            }
        }
    }

    private String injectedFailure(Knobs knobs) {
        if (knobs.down()) {
            return service.key() + " is down (simulated)";
        }
        if (knobs.failNext() > 0 && useOneFailNext()) {
            return service.key() + " failed on purpose (failNext)";
        }
        if (knobs.errorRate() > 0.0 && nextDouble() < knobs.errorRate()) {
            return service.key() + " failed on purpose (errorRate " + knobs.errorRate() + ")";
        }
        return null;
    }

    /** Takes one from fail-next if any is left; concurrent callers never use the same one twice. */
    private boolean useOneFailNext() {
        while (true) {
            Knobs knobs = current.get();
            if (knobs.failNext() <= 0) {
                return false;
            }
            if (current.compareAndSet(knobs, knobs.withFailNext(knobs.failNext() - 1))) {
                return true;
            }
        }
    }

    private double nextDouble() {
        // The generator is shared by this simulator's calls; seeded generators are not thread-safe.
        synchronized (random) {
            return random.nextDouble();
        }
    }

    /** Runs {@code action} on this simulator's Vert.x after {@code millis} (at once for 0 or less). */
    void later(long millis, Runnable action) {
        if (millis <= 0) {
            action.run();
        } else {
            vertx.setTimer(millis, id -> action.run());
        }
    }

    private Future<Void> delay(long millis) {
        if (millis <= 0) {
            return Future.succeededFuture();
        }
        Promise<Void> promise = Promise.promise();
        vertx.setTimer(millis, id -> promise.complete());
        return promise.future();
    }

    private static <T> Future<T> run(Supplier<Future<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            String reference = UUID.randomUUID().toString();
            LOG.error("simulator call failed unexpectedly ref={}", reference, e);
            return Future.failedFuture(RpcError.internal(reference));
        }
    }
}
