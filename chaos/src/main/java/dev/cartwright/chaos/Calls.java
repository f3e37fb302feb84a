package dev.cartwright.chaos;

import dev.cartwright.net.OnContext;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Unary gRPC calls to the service under test through the Vert.x gRPC client, as a storefront makes them, waited for
 * from the driver's own threads (never an event loop), each made on a Vert.x context ({@link OnContext}: chained on a
 * plain thread, an answer could lose its end and read as a call with no answer). A call never throws: a transport failure or a call that
 * outlives its time limit comes back as an {@link Reply} without a status, an outcome the caller does not know.
 */
public final class Calls implements AutoCloseable {

    /**
     * What one call ended with.
     *
     * @param status  the gRPC status, or null when no status arrived (connection lost, time limit): unknown outcome
     * @param message the status message or the transport error
     * @param body    the reply when OK
     */
    public record Reply<T>(GrpcStatus status, String message, T body) {
        public boolean ok() {
            return status == GrpcStatus.OK;
        }

        /** No definite answer: the change may or may not have been made. */
        public boolean unknown() {
            return status == null || status == GrpcStatus.UNAVAILABLE || status == GrpcStatus.DEADLINE_EXCEEDED
                || status == GrpcStatus.UNKNOWN || status == GrpcStatus.INTERNAL || status == GrpcStatus.CANCELLED
                || status == GrpcStatus.ABORTED || status == GrpcStatus.RESOURCE_EXHAUSTED;
        }
    }

    private final Vertx vertx;
    private final GrpcClient client;
    private final SocketAddress address;
    private final Duration limit;

    public Calls(Vertx vertx, int port, Duration limit) {
        this.vertx = vertx;
        this.client = GrpcClient.client(vertx);
        this.address = SocketAddress.inetSocketAddress(port, Loopback.HOST);
        this.limit = limit;
    }

    public <Q, R> Reply<R> call(ServiceMethod<R, Q> method, Q request) {
        return call(method, request, null);
    }

    /** One call with an optional bearer token; waits at most the configured limit. */
    public <Q, R> Reply<R> call(ServiceMethod<R, Q> method, Q request, String bearerToken) {
        Future<Reply<R>> reply = OnContext.call(vertx, () -> client.request(address, method).compose(req -> {
            MultiMap headers = req.headers();
            if (bearerToken != null) {
                headers.set("authorization", "Bearer " + bearerToken);
            }
            return req.send(request);
        }).compose(resp -> resp.last().transform(last -> Future.succeededFuture(
            new Reply<>(resp.status(), resp.statusMessage(), last.succeeded() ? last.result() : null)))));
        try {
            return reply.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return new Reply<>(null, e.toString(), null);
        }
    }

    @Override
    public void close() {
        try {
            client.close().await(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Closing is best effort.
        }
    }
}
