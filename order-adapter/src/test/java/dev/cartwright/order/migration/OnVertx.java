package dev.cartwright.order.migration;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.cartwright.net.OnContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A Vert.x instance for a test, and a way to wait for a future from the test thread: every call starts on one
 * event-loop context of the test's own, so no continuation ever runs on the test thread.
 */
final class OnVertx implements AutoCloseable {

    final Vertx vertx = Vertx.vertx();
    private final Context context = vertx.getOrCreateContext();

    <T> T await(Supplier<Future<T>> call) {
        try {
            return OnContext.call(context, call).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("call failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("call did not finish: " + e, e);
        }
    }

    /** The failure of a call that must fail. */
    Throwable failure(Supplier<Future<?>> call) {
        try {
            Throwable cause = OnContext.call(context, () -> call.get()
                    .<Throwable>transform(r -> Future.succeededFuture(r.failed() ? r.cause() : null)))
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            if (cause == null) {
                throw new AssertionError("the call succeeded; a failure was expected");
            }
            return cause;
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("call did not finish: " + e, e);
        }
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
