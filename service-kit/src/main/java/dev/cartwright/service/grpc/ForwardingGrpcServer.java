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
import java.util.function.Function;

/**
 * A {@link GrpcServer} that hands every call to the server it wraps, for the servers a service is bound to when its
 * method handlers are to be wrapped ({@link DetailedErrors}, {@link HttpJsonErrors}): a subclass overrides only what it
 * changes. The registering methods answer this server, not the wrapped one, so a service chaining them stays on it;
 * {@link #bindingThrough} makes the service that binds through one.
 */
abstract class ForwardingGrpcServer implements GrpcServer {

    private final GrpcServer server;

    ForwardingGrpcServer(GrpcServer server) {
        this.server = server;
    }

    /**
     * {@code service} under its own name and descriptor, bound to whatever server it is added to through the forwarding
     * server {@code registrar} makes of it.
     */
    static Service bindingThrough(Service service, Function<GrpcServer, ForwardingGrpcServer> registrar) {
        return new BoundThrough(service, registrar);
    }

    private record BoundThrough(Service service, Function<GrpcServer, ForwardingGrpcServer> registrar) implements Service {

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
            service.bind(registrar.apply(server));
        }
    }

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
    public <Req, Resp> GrpcServer callHandler(ServiceMethod<Req, Resp> method, Handler<GrpcServerRequest<Req, Resp>> handler) {
        server.callHandler(method, handler);
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
