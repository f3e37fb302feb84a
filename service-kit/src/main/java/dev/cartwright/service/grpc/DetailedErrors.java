package dev.cartwright.service.grpc;

import io.vertx.core.Handler;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;

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
        return ForwardingGrpcServer.bindingThrough(service, Registrar::new);
    }

    /** The server as the service sees it while binding: each method handler sees its request through {@link StatusDetails}. */
    private static final class Registrar extends ForwardingGrpcServer {

        Registrar(GrpcServer server) {
            super(server);
        }

        @Override
        public <Q, R> GrpcServer callHandler(ServiceMethod<Q, R> method, Handler<GrpcServerRequest<Q, R>> handler) {
            return super.callHandler(method, handler == null ? null : request -> handler.handle(StatusDetails.of(request)));
        }
    }
}
