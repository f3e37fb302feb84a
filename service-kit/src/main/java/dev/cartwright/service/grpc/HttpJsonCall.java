package dev.cartwright.service.grpc;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
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
 * {@code {"code":3,"message":"...","details":[]}}, as grpc-gateway and Google APIs do. To say what
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
            String message = http.headers().get(GrpcHeaderNames.GRPC_MESSAGE);
            int code = parseCode(grpcStatus);
            // Decoded as the Vert.x gRPC client decodes it: the transcoder encoded it with the library's encoder.
            return send(http, code, message == null ? name(code) : QueryStringDecoder.decodeComponent(message, StandardCharsets.UTF_8));
        }
        int httpStatus = http.getStatusCode();
        if (routed && httpStatus == 400) {
            // The transcoder cancels a call whose request it cannot decode, and says nothing more.
            return send(http, GrpcStatus.INVALID_ARGUMENT.code, undecodable());
        }
        if (!routed && httpStatus == 500) {
            // No method is mapped to this verb and path: the transcoder's 500 would blame the server for a client's mistake.
            http.setStatusCode(404);
            return send(http, GrpcStatus.NOT_FOUND.code, "no HTTP/JSON route for " + method().name() + " " + path());
        }
        return send(http, codeOf(httpStatus), http.getStatusMessage());
    }

    /**
     * Ends {@code http} with a google.rpc.Status body for {@code code} and {@code message}, adding the
     * grpc-status and grpc-message headers unless the transcoder already set them.
     */
    static Future<Void> send(HttpServerResponse http, int code, String message) {
        MultiMap headers = http.headers();
        if (!headers.contains(GrpcHeaderNames.GRPC_STATUS)) {
            headers.set(GrpcHeaderNames.GRPC_STATUS, Integer.toString(code));
            headers.set(GrpcHeaderNames.GRPC_MESSAGE, percentEncode(message));
        }
        headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
        return http.end(new JsonObject().put("code", code).put("message", message).put("details", new JsonArray()).encode());
    }

    private String undecodable() {
        String type = requestType == null ? "this method" : requestType.getFullName();
        Buffer json = rejectedRequest;
        if (json == null) {
            // The decoder never saw the request: the transcoder could not read the body as a JSON object.
            String syntax = body == null ? null : syntaxError(body);
            if (syntax != null || body == null) {
                return "request body is not valid JSON for " + type + (syntax == null ? "" : ": " + syntax);
            }
            json = body;
        }
        String mismatch = requestType == null ? null : mismatch(requestType, json.toString(StandardCharsets.UTF_8));
        return "request is not a valid " + type + (mismatch == null ? "" : ": " + mismatch);
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
    private static String mismatch(Descriptors.Descriptor type, String json) {
        String reason = parseError(type, json);
        if (reason == null || reason.startsWith("Cannot find field")) {
            return reason;
        }
        try {
            for (Map.Entry<String, Object> field : new JsonObject(json)) {
                if (parseError(type, new JsonObject().put(field.getKey(), field.getValue()).encode()) != null) {
                    return "field " + field.getKey() + ": " + reason;
                }
            }
        } catch (RuntimeException e) {
            // Not a JSON object after all; the parser's own words will do.
        }
        return reason;
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

    private static String name(int code) {
        GrpcStatus status = GrpcStatus.valueOf(code);
        return status == null ? "UNKNOWN" : status.name();
    }

    /** The gRPC code for an HTTP error the transcoder sent without one: the code the transcoder maps to that status, else UNKNOWN. */
    private static int codeOf(int httpStatus) {
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
        return status.code;
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
