package dev.cartwright.net;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Makes a client call's chain (request, send, response, body or last message) on one Vert.x context, whatever thread
 * asks for it. Vert.x's HTTP and gRPC clients hand a response's parts to the handlers set when each part is handled,
 * and drop the end of a response whose body no one has asked for yet: {@code HttpClientResponseImpl.handleEnd} (5.0.7)
 * keeps the trailers and completes nothing, and a later {@code body()} never completes. A chain built on a thread
 * outside Vert.x can ask for the body after the end was handled: 1 to 2 of 20 000 requests to a local Vert.x server, over
 * HTTP/1.1 and HTTP/2 alike, got their response headers and never their end; built on one context, 0 of 20 000.
 * A test or a driver that waits for answers from its own threads makes its calls through here.
 */
public final class OnContext {

    private OnContext() {
    }

    /**
     * Runs {@code call} on the caller's context, or on a new context of {@code vertx} when the caller is outside Vert.x,
     * and completes the returned future as the call's future completes.
     */
    public static <T> Future<T> call(Vertx vertx, Supplier<Future<T>> call) {
        return call(vertx.getOrCreateContext(), call);
    }

    /**
     * Runs {@code call} on {@code context} (at once when the caller is on it already) and completes the returned future
     * as the call's future completes. A {@code call} that throws fails the returned future.
     */
    public static <T> Future<T> call(Context context, Supplier<Future<T>> call) {
        if (Vertx.currentContext() == context) {
            return start(call);
        }
        Promise<T> outcome = Promise.promise();
        context.runOnContext(ignored -> start(call).onComplete(outcome));
        return outcome.future();
    }

    private static <T> Future<T> start(Supplier<Future<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }
}
