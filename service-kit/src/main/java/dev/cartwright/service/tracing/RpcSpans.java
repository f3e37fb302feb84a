package dev.cartwright.service.tracing;

import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingPolicy;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Owns how gRPC calls look in a trace. Vert.x traces them as HTTP requests named after the HTTP method ("POST"); this
 * tracer names a gRPC call's span after its method ({@code checkout.v1.CheckoutService/ConfirmCheckout}, as
 * OpenTelemetry's RPC conventions do) and adds {@code rpc.system}, {@code rpc.service} and {@code rpc.method}, on the
 * server side and on calls to neighbours. Health checks and reflection (a load balancer probes every second) start no
 * trace. Everything else passes to the OpenTelemetry tracer unchanged.
 */
final class RpcSpans implements VertxTracer<Object, Object> {

    private final VertxTracer<Object, Object> delegate;

    RpcSpans(VertxTracer<Object, Object> delegate) {
        this.delegate = delegate;
    }

    @Override
    public <R> Object receiveRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
                                     Iterable<Map.Entry<String, String>> headers, TagExtractor<R> tagExtractor) {
        Optional<Rpc> rpc = request instanceof HttpServerRequest http ? Rpc.ofPath(http.path()) : Optional.empty();
        if (rpc.isPresent() && rpc.get().isInfrastructure()) {
            return null;
        }
        return named(rpc, operation, tagExtractor,
            (name, tags) -> delegate.receiveRequest(context, kind, policy, request, name, headers, tags));
    }

    @Override
    public <R> void sendResponse(Context context, R response, Object payload, Throwable failure, TagExtractor<R> tagExtractor) {
        delegate.sendResponse(context, response, payload, failure, tagExtractor);
    }

    @Override
    public <R> Object sendRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
                                  BiConsumer<String, String> headers, TagExtractor<R> tagExtractor) {
        Optional<Rpc> rpc = kind == SpanKind.RPC && request != null ? Rpc.ofUrl(tag(request, tagExtractor, "url.full"))
            : Optional.empty();
        return named(rpc, operation, tagExtractor,
            (name, tags) -> delegate.sendRequest(context, kind, policy, request, name, headers, tags));
    }

    /** Starts a span, on either side: a gRPC call's named after its method with the rpc.* tags, anything else as it was. */
    private interface SpanStart<R> {
        Object start(String operation, TagExtractor<R> tags);
    }

    private static <R> Object named(Optional<Rpc> rpc, String operation, TagExtractor<R> tags, SpanStart<R> start) {
        return rpc.isPresent() ? start.start(rpc.get().name(), rpc.get().tagging(tags)) : start.start(operation, tags);
    }

    @Override
    public <R> void receiveResponse(Context context, R response, Object payload, Throwable failure, TagExtractor<R> tagExtractor) {
        delegate.receiveResponse(context, response, payload, failure, tagExtractor);
    }

    @Override
    public void close() {
        delegate.close();
    }

    private static <R> String tag(R request, TagExtractor<R> extractor, String name) {
        int len = extractor.len(request);
        for (int i = 0; i < len; i++) {
            if (name.equals(extractor.name(request, i))) {
                return extractor.value(request, i);
            }
        }
        return null;
    }

    /** One gRPC method, from a request path {@code /<package>.<Service>/<Method>}. */
    record Rpc(String service, String method) {

        static Optional<Rpc> ofPath(String path) {
            if (path == null || path.length() < 4 || path.charAt(0) != '/') {
                return Optional.empty();
            }
            int slash = path.indexOf('/', 1);
            if (slash < 0 || slash == path.length() - 1 || path.indexOf('/', slash + 1) >= 0) {
                return Optional.empty();
            }
            String service = path.substring(1, slash);
            // HTTP/JSON routes (/v1/carts/...) have no package-qualified service as their first segment.
            if (service.indexOf('.') < 0) {
                return Optional.empty();
            }
            return Optional.of(new Rpc(service, path.substring(slash + 1)));
        }

        static Optional<Rpc> ofUrl(String url) {
            if (url == null) {
                return Optional.empty();
            }
            try {
                return ofPath(URI.create(url).getRawPath());
            } catch (IllegalArgumentException notAUri) {
                return Optional.empty();
            }
        }

        String name() {
            return service + "/" + method;
        }

        boolean isInfrastructure() {
            return service.startsWith("grpc.health.") || service.startsWith("grpc.reflection.");
        }

        /** The request's own tags plus rpc.system, rpc.service and rpc.method. */
        <R> TagExtractor<R> tagging(TagExtractor<R> own) {
            return new TagExtractor<>() {
                @Override
                public int len(R request) {
                    return own.len(request) + 3;
                }

                @Override
                public String name(R request, int index) {
                    int base = own.len(request);
                    if (index < base) {
                        return own.name(request, index);
                    }
                    return switch (index - base) {
                        case 0 -> "rpc.system";
                        case 1 -> "rpc.service";
                        default -> "rpc.method";
                    };
                }

                @Override
                public String value(R request, int index) {
                    int base = own.len(request);
                    if (index < base) {
                        return own.value(request, index);
                    }
                    return switch (index - base) {
                        case 0 -> "grpc";
                        case 1 -> service;
                        default -> method;
                    };
                }
            };
        }
    }
}
