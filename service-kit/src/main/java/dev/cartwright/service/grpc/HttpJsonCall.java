package dev.cartwright.service.grpc;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.Status;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcHeaderNames;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Owns one HTTP/JSON call on its way through the transcoder, and its error reply. The transcoder
 * answers a failed call with a status code, grpc-status/grpc-message headers and an empty body, and a
 * request it cannot decode with a bare 400; this call ends both with a google.rpc.Status body,
 * {@code {"code":3,"message":"...","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo",...}]}},
 * as grpc-gateway and Google APIs do, its details those of the {@link RpcError} the service failed with. To say what
 * was wrong with a request it keeps the body as it arrived (up to the message size limit), the
 * request message type once a route matched, and the JSON the request decoder rejected.
 */
final class HttpJsonCall extends HttpServerRequestWrapper implements Handler<Buffer> {

    private final HttpJsonResponse response;
    private final int bodyLimit;
    private Handler<Buffer> bodyHandler;
    private Buffer body;
    private boolean bodyCopied;
    private boolean bodyDropped;
    private boolean routed;
    private Descriptors.Descriptor requestType;
    private Buffer rejectedRequest;

    private HttpJsonCall(HttpServerRequestInternal request, int bodyLimit) {
        super(request);
        this.response = new HttpJsonResponse(this, request.response());
        this.bodyLimit = bodyLimit;
    }

    /** Wraps {@code request} for the transcoder and binds it to the request's context for the bound services to find. */
    static HttpJsonCall open(HttpServerRequest request, int bodyLimit) {
        HttpServerRequestInternal internal = (HttpServerRequestInternal) request;
        HttpJsonCall call = new HttpJsonCall(internal, bodyLimit);
        internal.context().putLocal(HttpJsonErrors.CALL, call);
        return call;
    }

    /** The HTTP/JSON call running on the current context; null for gRPC and gRPC-Web calls. */
    static HttpJsonCall current() {
        Context context = Vertx.currentContext();
        return context == null ? null : context.getLocal(HttpJsonErrors.CALL);
    }

    /** A route matched and will decode the request as {@code type} (null when the service does not describe it). */
    void routedTo(Descriptors.Descriptor type) {
        routed = true;
        requestType = type;
    }

    /** The request decoder rejected {@code json}: the body merged with the path and query parameters. */
    void rejected(Buffer json) {
        rejectedRequest = json;
    }

    @Override
    public HttpServerResponse response() {
        return response;
    }

    @Override
    public HttpServerRequest handler(Handler<Buffer> handler) {
        bodyHandler = handler;
        delegate.handler(handler == null ? null : this);
        return this;
    }

    @Override
    public void handle(Buffer chunk) {
        keep(chunk);
        bodyHandler.handle(chunk);
    }

    private void keep(Buffer chunk) {
        if (bodyDropped) {
            return;
        }
        if (body == null) {
            body = chunk;
        } else {
            // The transcoder appends later chunks to the first one it was given: copy it before it grows.
            if (!bodyCopied) {
                body = body.copy();
                bodyCopied = true;
            }
            body.appendBuffer(chunk);
        }
        if (body.length() > bodyLimit) {
            body = null;
            bodyDropped = true;
        }
    }

    /** Ends the error reply the transcoder began (status code set, body still empty) with its google.rpc.Status body. */
    Future<Void> endWithStatus() {
        HttpServerResponse http = response.delegate();
        String grpcStatus = http.headers().get(GrpcHeaderNames.GRPC_STATUS);
        if (grpcStatus != null) {
            String details = http.headers().get(RpcError.DETAILS_HEADER);
            if (details != null) {
                // The service's own error: its details travelled as the trailer the transcoder put among the headers.
                http.headers().remove(RpcError.DETAILS_HEADER);
                return sendBody(http, RpcError.Received.fromHeader(details).status());
            }
            String message = http.headers().get(GrpcHeaderNames.GRPC_MESSAGE);
            GrpcStatus code = GrpcStatus.valueOf(parseCode(grpcStatus));
            // Decoded as the Vert.x gRPC client decodes it: the transcoder encoded it with the library's encoder.
            return send(http, RpcError.of(code == null ? GrpcStatus.UNKNOWN : code,
                message == null ? null : QueryStringDecoder.decodeComponent(message, StandardCharsets.UTF_8)));
        }
        int httpStatus = http.getStatusCode();
        if (routed && httpStatus == 400) {
            // The transcoder cancels a call whose request it cannot decode, and says nothing more.
            return send(http, undecodable());
        }
        if (!routed && httpStatus == 500) {
            // No method is mapped to this verb and path: the transcoder's 500 would blame the server for a client's mistake.
            http.setStatusCode(404);
            return send(http, RpcError.notFound(RpcError.NO_ROUTE, "no HTTP/JSON route for " + method().name() + " " + path()));
        }
        return send(http, RpcError.of(codeOf(httpStatus), http.getStatusMessage()));
    }

    /**
     * Ends {@code http} with the google.rpc.Status body of {@code error}, adding the grpc-status and grpc-message
     * headers unless the transcoder already set them.
     */
    static Future<Void> send(HttpServerResponse http, RpcError error) {
        return sendBody(http, error.toStatus());
    }

    private static Future<Void> sendBody(HttpServerResponse http, Status status) {
        MultiMap headers = http.headers();
        if (!headers.contains(GrpcHeaderNames.GRPC_STATUS)) {
            headers.set(GrpcHeaderNames.GRPC_STATUS, Integer.toString(status.getCode()));
            headers.set(GrpcHeaderNames.GRPC_MESSAGE, percentEncode(status.getMessage()));
        }
        headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
        return http.end(RpcError.toJson(status));
    }

    private RpcError undecodable() {
        String type = requestType == null ? "this method" : requestType.getFullName();
        Buffer json = rejectedRequest;
        if (json == null) {
            // The decoder never saw the request: the transcoder could not read the body as a JSON object.
            String syntax = body == null ? null : syntaxError(body);
            if (syntax != null || body == null) {
                return RpcError.malformed("request body is not valid JSON for " + type + (syntax == null ? "" : ": " + syntax));
            }
            json = body;
        }
        String message = "request is not a valid " + type;
        Mismatch mismatch = requestType == null ? null : mismatch(requestType, json.toString(StandardCharsets.UTF_8));
        if (mismatch == null) {
            return RpcError.malformed(message);
        }
        if (mismatch.field() == null) {
            return RpcError.malformed(message + ": " + mismatch.reason());
        }
        return RpcError.invalidField(mismatch.field(), mismatch.reason(),
            message + ": field " + mismatch.field() + ": " + mismatch.reason());
    }

    /** What the protobuf JSON parser refused, and the field it refused when one alone is to blame. */
    private record Mismatch(String field, String reason) {
    }

    /** What the transcoder's JSON parser says about {@code body}, or null if it reads as a JSON object. */
    private static String syntaxError(Buffer body) {
        String text = body.toString(StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return null;
        }
        try {
            Object value = Json.decodeValue(text);
            return value instanceof JsonObject ? null : "expected a JSON object, not " + kind(value);
        } catch (DecodeException e) {
            if (e.getCause() instanceof JsonProcessingException parse) {
                JsonLocation at = parse.getLocation();
                return parse.getOriginalMessage() + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
            }
            String message = String.valueOf(e.getMessage());
            return message.startsWith("Failed to decode:") ? message.substring("Failed to decode:".length()) : message;
        }
    }

    private static String kind(Object value) {
        if (value instanceof JsonArray) {
            return "an array";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Number) {
            return "a number";
        }
        return value instanceof Boolean ? "a boolean" : "null";
    }

    /** What the protobuf JSON parser says about {@code json} as a {@code type}, naming the field when it does not. */
    private static Mismatch mismatch(Descriptors.Descriptor type, String json) {
        String reason = parseError(type, json);
        if (reason == null || reason.startsWith("Cannot find field")) {
            return reason == null ? null : new Mismatch(null, reason);
        }
        try {
            for (Map.Entry<String, Object> field : new JsonObject(json)) {
                if (parseError(type, new JsonObject().put(field.getKey(), field.getValue()).encode()) != null) {
                    return new Mismatch(field.getKey(), reason);
                }
            }
        } catch (RuntimeException e) {
            // Not a JSON object after all; the parser's own words will do.
        }
        return new Mismatch(null, reason);
    }

    private static String parseError(Descriptors.Descriptor type, String json) {
        try {
            JsonFormat.parser().merge(json, DynamicMessage.newBuilder(type));
            return null;
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return String.valueOf(e.getMessage());
        }
    }

    private static int parseCode(String grpcStatus) {
        try {
            return Integer.parseInt(grpcStatus);
        } catch (NumberFormatException e) {
            return GrpcStatus.UNKNOWN.code;
        }
    }

    /** The gRPC status for an HTTP error the transcoder sent without one: the one the transcoder maps to that status, else UNKNOWN. */
    private static GrpcStatus codeOf(int httpStatus) {
        GrpcStatus status = switch (httpStatus) {
            case 400 -> GrpcStatus.INVALID_ARGUMENT;
            case 401 -> GrpcStatus.UNAUTHENTICATED;
            case 403 -> GrpcStatus.PERMISSION_DENIED;
            case 404 -> GrpcStatus.NOT_FOUND;
            case 409 -> GrpcStatus.ABORTED;
            case 429 -> GrpcStatus.RESOURCE_EXHAUSTED;
            case 501 -> GrpcStatus.UNIMPLEMENTED;
            case 503 -> GrpcStatus.UNAVAILABLE;
            case 504 -> GrpcStatus.DEADLINE_EXCEEDED;
            default -> GrpcStatus.UNKNOWN;
        };
        return status;
    }

    /** grpc-message encoding: UTF-8, with '%' and every byte outside printable ASCII as %XX. */
    static String percentEncode(String message) {
        StringBuilder out = new StringBuilder(message.length());
        for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x20 || c > 0x7e || c == '%') {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }
}
