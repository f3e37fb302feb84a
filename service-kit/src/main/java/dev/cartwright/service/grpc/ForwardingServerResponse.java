package dev.cartwright.service.grpc;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.streams.ReadStream;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.WireFormat;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.Set;

/** A server response that hands every call to {@code delegate}; a subclass changes what it must (see {@link ForwardingServerRequest}). */
class ForwardingServerResponse<Q, R> implements GrpcServerResponse<Q, R> {

    protected final GrpcServerResponse<Q, R> delegate;

    ForwardingServerResponse(GrpcServerResponse<Q, R> delegate) {
        this.delegate = delegate;
    }

    @Override
    public GrpcServerResponse<Q, R> status(GrpcStatus status) {
        delegate.status(status);
        return this;
    }

    @Override
    public GrpcServerResponse<Q, R> statusMessage(String message) {
        delegate.statusMessage(message);
        return this;
    }

    @Override
    public GrpcServerResponse<Q, R> encoding(String encoding) {
        delegate.encoding(encoding);
        return this;
    }

    @Override
    public GrpcServerResponse<Q, R> format(WireFormat format) {
        delegate.format(format);
        return this;
    }

    @Override
    public Set<String> acceptedEncodings() {
        return delegate.acceptedEncodings();
    }

    @Override
    public MultiMap headers() {
        return delegate.headers();
    }

    @Override
    public MultiMap trailers() {
        return delegate.trailers();
    }

    @Override
    public GrpcServerResponse<Q, R> exceptionHandler(Handler<Throwable> handler) {
        delegate.exceptionHandler(handler);
        return this;
    }

    @Override
    public GrpcServerResponse<Q, R> setWriteQueueMaxSize(int maxSize) {
        delegate.setWriteQueueMaxSize(maxSize);
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return delegate.writeQueueFull();
    }

    @Override
    public GrpcServerResponse<Q, R> drainHandler(Handler<Void> handler) {
        delegate.drainHandler(handler);
        return this;
    }

    @Override
    public Future<Void> writeHead() {
        return delegate.writeHead();
    }

    @Override
    public Future<Void> writeMessage(GrpcMessage message) {
        return delegate.writeMessage(message);
    }

    @Override
    public Future<Void> endMessage(GrpcMessage message) {
        return delegate.endMessage(message);
    }

    @Override
    public Future<Void> write(R data) {
        return delegate.write(data);
    }

    @Override
    public Future<Void> end() {
        return delegate.end();
    }

    @Override
    public Future<Void> end(R data) {
        return delegate.end(data);
    }

    @Override
    public Future<Void> send(R item) {
        return delegate.send(item);
    }

    @Override
    public Future<Void> send(ReadStream<R> body) {
        return delegate.send(body);
    }

    @Override
    public void cancel() {
        delegate.cancel();
    }

    @Override
    public void fail(Throwable failure) {
        delegate.fail(failure);
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
