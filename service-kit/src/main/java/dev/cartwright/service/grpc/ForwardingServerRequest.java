package dev.cartwright.service.grpc;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Timer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.streams.Pipe;
import io.vertx.core.streams.WriteStream;
import io.vertx.grpc.common.GrpcError;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.common.WireFormat;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.stream.Collector;
import java.util.stream.Stream;

/**
 * A server request that hands every call to {@code delegate}; a subclass changes what it must (the message handler,
 * the response). Plain calls, where a dynamic proxy paid reflection on each of them: a request makes several, and
 * every request goes through two or three of these views (BENCHMARKS.md, "Where the CPU goes now").
 */
class ForwardingServerRequest<Q, R> implements GrpcServerRequest<Q, R> {

    protected final GrpcServerRequest<Q, R> delegate;

    ForwardingServerRequest(GrpcServerRequest<Q, R> delegate) {
        this.delegate = delegate;
    }

    @Override
    public ServiceName serviceName() {
        return delegate.serviceName();
    }

    @Override
    public String methodName() {
        return delegate.methodName();
    }

    @Override
    public String fullMethodName() {
        return delegate.fullMethodName();
    }

    @Override
    public GrpcServerResponse<Q, R> response() {
        return delegate.response();
    }

    @Override
    public MultiMap headers() {
        return delegate.headers();
    }

    @Override
    public String encoding() {
        return delegate.encoding();
    }

    @Override
    public WireFormat format() {
        return delegate.format();
    }

    @Override
    public GrpcServerRequest<Q, R> messageHandler(Handler<GrpcMessage> handler) {
        delegate.messageHandler(handler);
        return this;
    }

    @Override
    public GrpcServerRequest<Q, R> invalidMessageHandler(Handler<io.vertx.grpc.common.InvalidMessageException> handler) {
        delegate.invalidMessageHandler(handler);
        return this;
    }

    @Override
    public GrpcServerRequest<Q, R> errorHandler(Handler<GrpcError> handler) {
        delegate.errorHandler(handler);
        return this;
    }

    @Override
    public GrpcServerRequest<Q, R> exceptionHandler(Handler<Throwable> handler) {
        delegate.exceptionHandler(handler);
        return this;
    }

    @Override
    public GrpcServerRequest<Q, R> handler(Handler<Q> handler) {
        delegate.handler(handler);
        return this;
    }

    @Override
    public GrpcServerRequest<Q, R> pause() {
        delegate.pause();
        return this;
    }

    @Override
    public GrpcServerRequest<Q, R> resume() {
        delegate.resume();
        return this;
    }

    @Override
    public GrpcServerRequest<Q, R> fetch(long amount) {
        delegate.fetch(amount);
        return this;
    }

    @Override
    public GrpcServerRequest<Q, R> endHandler(Handler<Void> endHandler) {
        delegate.endHandler(endHandler);
        return this;
    }

    @Override
    public Future<Q> last() {
        return delegate.last();
    }

    @Override
    public Future<Void> end() {
        return delegate.end();
    }

    @Override
    public Pipe<Q> pipe() {
        return delegate.pipe();
    }

    @Override
    public <T, A> Future<T> collect(Collector<Q, A, T> collector) {
        return delegate.collect(collector);
    }

    @Override
    public Stream<Q> blockingStream() {
        return delegate.blockingStream();
    }

    @Override
    public Future<Void> pipeTo(WriteStream<Q> destination) {
        return delegate.pipeTo(destination);
    }

    @Override
    public HttpConnection connection() {
        return delegate.connection();
    }

    @Override
    public long timeout() {
        return delegate.timeout();
    }

    @Override
    public Timer deadline() {
        return delegate.deadline();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
