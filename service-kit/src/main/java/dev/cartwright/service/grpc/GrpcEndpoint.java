package dev.cartwright.service.grpc;

import dev.cartwright.service.auth.Authenticator;
import dev.cartwright.service.auth.Caller;
import dev.cartwright.service.auth.TokenRejected;
import dev.cartwright.service.auth.CallerContext;
import dev.cartwright.service.config.BindHost;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.common.GrpcHeaderNames;
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.reflection.ReflectionService;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.Service;
import java.util.List;

/**
 * Owns one service port: gRPC (HTTP/2), gRPC-Web and HTTP/JSON transcoding on the same
 * listener, the standard health service, server reflection, and the caller identity of each
 * call. Health and reflection are open to everyone so stock tools work unchanged.
 */
public final class GrpcEndpoint {

    /** The largest request message, and the largest HTTP/JSON body kept to explain a decoding failure. */
    private static final int MAX_MESSAGE_SIZE = 1024 * 1024;

    /**
     * HTTP/2 flow-control windows: per stream, a whole message fits in one; per connection, several. With the protocol's
     * 64 KiB (the Vert.x default) a multi-megabyte body crosses the connection window one WINDOW_UPDATE round trip at a
     * time, and a small call on the same connection waits for window behind it.
     */
    static final int STREAM_WINDOW = MAX_MESSAGE_SIZE;
    static final int CONNECTION_WINDOW = 8 * MAX_MESSAGE_SIZE;

    /**
     * The longest HTTP/1.1 request line read (Vert.x reads 4096 bytes): a path with an id of many kilobytes reaches the
     * service, which answers INVALID_ARGUMENT naming the field; a longer line is answered 414.
     */
    static final int MAX_REQUEST_LINE = 64 * 1024;

    /**
     * How long a connection whose request could not be read stays open after its answer, discarding what the client
     * still sends: closed at once, a client still sending its body gets a reset instead of the answer.
     */
    private static final long LINGER_MS = 5_000;

    private GrpcEndpoint() {
    }

    /**
     * Binds {@code services} plus health and reflection on {@code host:port}, once the authenticator's keys are loaded,
     * with the default browser access ({@link CorsPolicy#defaults}: loopback pages in development mode, else none).
     * Without authentication (development mode) only a loopback {@code host} is accepted.
     */
    public static Future<HttpServer> start(Vertx vertx, String host, int port, Authenticator authenticator,
                                           HealthService health, List<Service> services) {
        return start(vertx, host, port, authenticator, health, services, JsonCodecs.NONE);
    }

    /**
     * As {@link #start(Vertx, String, int, Authenticator, HealthService, List)}, HTTP/JSON messages read and written by
     * {@code codecs} where they can.
     */
    public static Future<HttpServer> start(Vertx vertx, String host, int port, Authenticator authenticator,
                                           HealthService health, List<Service> services, JsonCodecs codecs) {
        return start(vertx, host, port, authenticator, CorsPolicy.defaults(authenticator.isDevelopment()), health, services, codecs);
    }

    /** As above, with the web origins {@code cors} allows calling from a browser. */
    public static Future<HttpServer> start(Vertx vertx, String host, int port, Authenticator authenticator, CorsPolicy cors,
                                           HealthService health, List<Service> services) {
        return start(vertx, host, port, authenticator, cors, health, services, JsonCodecs.NONE);
    }

    /**
     * As above, with the web origins {@code cors} allows and HTTP/JSON {@code codecs}; at most {@link RequestLimit#DEFAULT}
     * calls in flight on this listener.
     */
    public static Future<HttpServer> start(Vertx vertx, String host, int port, Authenticator authenticator, CorsPolicy cors,
                                           HealthService health, List<Service> services, JsonCodecs codecs) {
        return start(vertx, host, port, authenticator, cors, health, services, codecs, RequestLimit.of(RequestLimit.DEFAULT));
    }

    /**
     * As above, at most {@code limit}'s calls in flight; the excess is answered UNAVAILABLE (reason OVERLOADED) without
     * being started. Give every listener of one service the same limit, so that it holds for the process.
     */
    public static Future<HttpServer> start(Vertx vertx, String host, int port, Authenticator authenticator, CorsPolicy cors,
                                           HealthService health, List<Service> services, JsonCodecs codecs, RequestLimit limit) {
        if (authenticator.isDevelopment() && !BindHost.isLoopback(host)) {
            return Future.failedFuture(new IllegalStateException(BindHost.refusal(host, BindHost.SETTING)));
        }
        GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(MAX_MESSAGE_SIZE));
        services.forEach(service -> grpc.addService(HttpJsonErrors.explaining(service, codecs, MAX_MESSAGE_SIZE)));
        grpc.addService(health);
        grpc.addService(ReflectionService.v1());
        HttpServerOptions options = new HttpServerOptions()
            .setHost(host)
            .setPort(port)
            .setUseAlpn(false)
            .setHttp2ClearTextEnabled(true)
            .setTcpNoDelay(true)
            .setReusePort(true)
            .setMaxInitialLineLength(MAX_REQUEST_LINE)
            .setInitialSettings(new Http2Settings()
                .setMaxConcurrentStreams(HttpServerOptions.DEFAULT_INITIAL_SETTINGS_MAX_CONCURRENT_STREAMS)
                .setInitialWindowSize(STREAM_WINDOW))
            .setHttp2ConnectionWindowSize(CONNECTION_WINDOW);
        return authenticator.ready().compose(ready -> vertx.createHttpServer(options)
            .connectionHandler(AnswerFlushes::consolidate)
            .invalidRequestHandler(request -> unreadable(vertx, request))
            .requestHandler(request -> {
                if (!cors.answer(request)) {
                    dispatch(grpc, authenticator, limit, request);
                }
            })
            .listen());
    }

    private static void dispatch(GrpcServer grpc, Authenticator authenticator, RequestLimit limit, HttpServerRequest request) {
        defaultJsonContentType(request);
        // The transcoder sees an HTTP/JSON call through a wrapper that gives its error replies a body.
        HttpServerRequest call = HttpJsonErrors.isHttpJson(request) ? HttpJsonCall.open(request, MAX_MESSAGE_SIZE) : request;
        String path = request.path();
        if (path.startsWith("/grpc.health.") || path.startsWith("/grpc.reflection.")) {
            grpc.handle(call);
            return;
        }
        RequestLimit.Admission admission = limit.tryEnter();
        if (admission == null) {
            answer(request, limit.overloaded(), 503);
            return;
        }
        // Once per call: when its answer ends, or its stream or connection closes first.
        request.response().endHandler(ended -> admission.leave());
        Future<Caller> caller = authenticator.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (caller.isComplete()) {
            proceed(grpc, request, call, caller);
        } else {
            request.pause();
            caller.onComplete(ar -> {
                proceed(grpc, request, call, caller);
                request.resume();
            });
        }
    }

    private static void proceed(GrpcServer grpc, HttpServerRequest request, HttpServerRequest call, Future<Caller> caller) {
        if (caller.failed()) {
            reject(request, caller.cause());
            return;
        }
        CallerContext.bind(Vertx.currentContext(), caller.result());
        grpc.handle(call);
    }

    /**
     * curl sends no content type on a GET or DELETE, and {@code application/x-www-form-urlencoded}
     * with {@code -d}; the transcoder needs {@code application/json} to know the call is HTTP/JSON.
     * No endpoint here takes form data, so a form content type can only mean a JSON body sent by curl.
     * The transcoder also wants exactly {@code application/json}, so a charset parameter is dropped:
     * JSON is UTF-8 anyway.
     */
    private static void defaultJsonContentType(HttpServerRequest request) {
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        boolean missingOrForm = contentType == null || contentType.startsWith("application/x-www-form-urlencoded");
        boolean sentByCurl = missingOrForm
            && (request.method() == HttpMethod.GET || request.method() == HttpMethod.DELETE
                || request.method() == HttpMethod.POST || request.method() == HttpMethod.PUT);
        boolean jsonWithParameters = contentType != null && contentType.startsWith("application/json;");
        if (sentByCurl || jsonWithParameters) {
            request.headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
        }
    }

    /**
     * An HTTP/1.1 request the decoder could not read: 414 for a request line past {@link #MAX_REQUEST_LINE}, 431 for
     * headers too large, else 400, each with a google.rpc.Status body; the connection (whose further bytes the decoder
     * discards) is closed {@link #LINGER_MS} later, or sooner by the client.
     */
    private static void unreadable(Vertx vertx, HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status;
        RpcError error;
        if (cause instanceof TooLongHttpLineException) {
            status = 414;
            error = RpcError.malformed("request line longer than " + MAX_REQUEST_LINE + " bytes").with("max_bytes",
                Integer.toString(MAX_REQUEST_LINE));
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            error = RpcError.malformed("request headers too large");
        } else {
            status = 400;
            error = RpcError.malformed("request could not be read as HTTP: " + String.valueOf(cause));
        }
        HttpConnection connection = request.connection();
        HttpJsonCall.send(request.response().setStatusCode(status).putHeader(HttpHeaders.CONNECTION, "close"), error)
            .onComplete(sent -> vertx.setTimer(LINGER_MS, id -> connection.close()));
    }

    private static void reject(HttpServerRequest request, Throwable cause) {
        RpcError error = cause instanceof TokenRejected rejected ? RpcError.unauthenticated(rejected.errorReason(), rejected.getMessage())
            : RpcError.unauthenticated(RpcError.INVALID_TOKEN, "unauthenticated");
        answer(request, error, 401);
    }

    /** Answers {@code error} before the call reaches a service: trailers only on gRPC and gRPC-Web, else a JSON body. */
    private static void answer(HttpServerRequest request, RpcError error, int httpStatus) {
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (contentType != null && contentType.startsWith("application/grpc")) {
            request.response()
                .setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, contentType)
                .putHeader(GrpcHeaderNames.GRPC_STATUS, error.status().toString())
                .putHeader(GrpcHeaderNames.GRPC_MESSAGE, HttpJsonCall.percentEncode(error.getMessage()))
                .putHeader(RpcError.DETAILS_HEADER, error.detailsHeader())
                .end();
        } else {
            HttpJsonCall.send(request.response().setStatusCode(httpStatus), error);
        }
    }
}
