package dev.cartwright.service.grpc;

import com.google.protobuf.Descriptors;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;
import java.util.List;

/**
 * Owns the google.rpc details of a service mounted on a bare {@link GrpcServer} rather than a {@link GrpcEndpoint}
 * (the neighbour simulators): every failure of its calls is sent as {@link GrpcEndpoint} sends it, an {@link RpcError}
 * with {@value RpcError#DETAILS_HEADER} in the trailers (a plain status gets the ErrorInfo its status names).
 */
public final class DetailedErrors {

    private DetailedErrors() {
    }

    /** {@code service}, its failures sent with their details. */
    public static Service of(Service service) {
        return new DetailedService(service);
    }

    private record DetailedService(Service service) implements Service {

        @Override
        public ServiceName name() {
            return service.name();
        }

        @Override
        public Descriptors.ServiceDescriptor descriptor() {
            return service.descriptor();
        }

        @Override
        public void bind(GrpcServer server) {
            service.bind(new Registrar(server));
        }
    }

    /** The server as the service sees it while binding: each method handler sees its request through {@link StatusDetails}. */
    private record Registrar(GrpcServer server) implements GrpcServer {

        @Override
        public void handle(HttpServerRequest request) {
            server.handle(request);
        }

        @Override
        public GrpcServer callHandler(Handler<GrpcServerRequest<Buffer, Buffer>> handler) {
            server.callHandler(handler);
            return this;
        }

        @Override
        public <Q, R> GrpcServer callHandler(ServiceMethod<Q, R> method, Handler<GrpcServerRequest<Q, R>> handler) {
            server.callHandler(method, handler == null ? null : request -> handler.handle(StatusDetails.of(request)));
            return this;
        }

        @Override
        public GrpcServer addService(Service service) {
            server.addService(service);
            return this;
        }

        @Override
        public List<Service> services() {
            return server.services();
        }
    }
}
