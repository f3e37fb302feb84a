package dev.cartwright.service.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Owns the error a client receives, in the google.rpc rich error model: a status, a message, an {@link ErrorInfo}
 * with a stable UPPER_SNAKE reason in the {@value #DOMAIN} domain on every error, and the detail each status calls
 * for: {@link BadRequest.FieldViolation} naming the field for INVALID_ARGUMENT, a {@link PreconditionFailure} for
 * FAILED_PRECONDITION, a {@link RetryInfo} for UNAVAILABLE. Each service's edge builds one of these from its own
 * failure; the endpoint sends it as the status and message plus {@code grpc-status-details-bin} on gRPC and
 * gRPC-Web, and as a google.rpc.Status body with {@code details} on HTTP/JSON. It carries no stack trace: it is an
 * answer, not a bug.
 */
public final class RpcError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** ErrorInfo's domain: the one owner of every reason below. */
    public static final String DOMAIN = "cartwright.dev";
    /** The trailer (or trailers-only header) that carries the serialized google.rpc.Status. */
    public static final String DETAILS_HEADER = "grpc-status-details-bin";
    /** How long an UNAVAILABLE answer tells the client to wait before retrying, unless the edge knows better. */
    public static final java.time.Duration DEFAULT_RETRY_DELAY = java.time.Duration.ofSeconds(1);

    /** The reasons every service shares; each service's own reasons are listed in the README. */
    public static final String INVALID_FIELD = "INVALID_FIELD";
    public static final String MALFORMED_REQUEST = "MALFORMED_REQUEST";
    public static final String NO_ROUTE = "NO_ROUTE";
    public static final String INVALID_TOKEN = "INVALID_TOKEN";
    public static final String INTERNAL_ERROR = "INTERNAL_ERROR";
    public static final String MESSAGE_TOO_LARGE = "MESSAGE_TOO_LARGE";

    /** The detail types this API sends, for printing and parsing them in JSON. */
    private static final JsonFormat.TypeRegistry TYPES = JsonFormat.TypeRegistry.newBuilder()
        .add(List.of(ErrorInfo.getDescriptor(), BadRequest.getDescriptor(), PreconditionFailure.getDescriptor(), RetryInfo.getDescriptor()))
        .build();
    private static final JsonFormat.Printer JSON = JsonFormat.printer().usingTypeRegistry(TYPES).omittingInsignificantWhitespace();

    /** The longest message sent, and the longest subject: with them the details stay far below 8 KiB of headers. */
    public static final int MAX_MESSAGE = 1000;
    /** The most UTF-8 bytes of a field violation's description: the message says it in full (up to its own limit). */
    static final int MAX_DESCRIPTION = 500;
    /** The most UTF-8 bytes of a precondition's subject and of an ErrorInfo metadata value: ids, not prose. */
    static final int MAX_SUBJECT = 200;

    private static final Pattern REASON = Pattern.compile("[A-Z][A-Z0-9_]*[A-Z0-9]");

    private final GrpcStatus status;
    private final String reason;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<Message> details = new ArrayList<>();

    private RpcError(GrpcStatus status, String reason, String message) {
        super(capped(Objects.requireNonNull(message, "message")), null, false, false);
        if (status == GrpcStatus.OK) {
            throw new IllegalArgumentException("an error needs a status other than OK");
        }
        this.status = status;
        this.reason = requireReason(reason);
    }

    // ---- the errors ------------------------------------------------------------------------------------------------

    /** INVALID_ARGUMENT for one field: the message is {@code field + " " + problem}; BadRequest names the field. */
    public static RpcError invalidField(String field, String problem) {
        return invalidField(field, problem, field + " " + problem);
    }

    /** INVALID_ARGUMENT for one field, with the message the caller words itself. */
    public static RpcError invalidField(String field, String problem, String message) {
        return new RpcError(GrpcStatus.INVALID_ARGUMENT, INVALID_FIELD, message)
            .with("field", field)
            .detail(BadRequest.newBuilder()
                .addFieldViolations(BadRequest.FieldViolation.newBuilder().setField(cut(field, MAX_SUBJECT))
                    .setDescription(cut(problem, MAX_DESCRIPTION)))
                .build());
    }

    /** INVALID_ARGUMENT for a request that could not be read at all (not JSON, not UTF-8, a value of the wrong type). */
    public static RpcError malformed(String message) {
        RpcError error = new RpcError(GrpcStatus.INVALID_ARGUMENT, MALFORMED_REQUEST, message);
        return error.detail(BadRequest.newBuilder()
            .addFieldViolations(BadRequest.FieldViolation.newBuilder().setField("")
                .setDescription(cut(error.getMessage(), MAX_DESCRIPTION)))
            .build());
    }

    /**
     * RESOURCE_EXHAUSTED for a request message larger than the endpoint accepts: the message and the ErrorInfo's
     * {@code max_bytes} name the limit, {@code message_bytes} the size the message claimed.
     */
    public static RpcError messageTooLarge(long size, long limit) {
        return new RpcError(GrpcStatus.RESOURCE_EXHAUSTED, MESSAGE_TOO_LARGE, "request message of " + size
            + " bytes is larger than the limit of " + limit + " bytes")
            .with("max_bytes", Long.toString(limit))
            .with("message_bytes", Long.toString(size));
    }

    /** NOT_FOUND: {@code reason} says what was not there (CART_NOT_FOUND, ...). */
    public static RpcError notFound(String reason, String message) {
        return new RpcError(GrpcStatus.NOT_FOUND, reason, message);
    }

    /**
     * FAILED_PRECONDITION: the state of {@code subject} (a resource name such as {@code checkouts/ck-1}) forbids the
     * request now; {@code reason} is also the violation's type.
     */
    public static RpcError failedPrecondition(String reason, String subject, String message) {
        RpcError error = new RpcError(GrpcStatus.FAILED_PRECONDITION, reason, message);
        return error.detail(PreconditionFailure.newBuilder()
            .addViolations(PreconditionFailure.Violation.newBuilder().setType(reason)
                .setSubject(cut(subject, MAX_SUBJECT))
                .setDescription(error.getMessage()))
            .build());
    }

    /** ABORTED: a concurrent change won; read again and retry. */
    public static RpcError aborted(String reason, String message) {
        return new RpcError(GrpcStatus.ABORTED, reason, message);
    }

    /** UNAVAILABLE after {@link #DEFAULT_RETRY_DELAY}. */
    public static RpcError unavailable(String reason, String message) {
        return unavailable(reason, message, DEFAULT_RETRY_DELAY);
    }

    /** UNAVAILABLE: safe to retry the same request after {@code retryAfter}. */
    public static RpcError unavailable(String reason, String message, java.time.Duration retryAfter) {
        return new RpcError(GrpcStatus.UNAVAILABLE, reason, message)
            .detail(retryInfo(retryAfter));
    }

    public static RpcError permissionDenied(String reason, String message) {
        return new RpcError(GrpcStatus.PERMISSION_DENIED, reason, message);
    }

    public static RpcError unauthenticated(String reason, String message) {
        return new RpcError(GrpcStatus.UNAUTHENTICATED, reason, message);
    }

    /** INTERNAL: our bug, with the reference the log line carries. */
    public static RpcError internal(String reference) {
        return new RpcError(GrpcStatus.INTERNAL, INTERNAL_ERROR, "internal error, ref " + reference).with("ref", reference);
    }

    /**
     * Any status with only the ErrorInfo, its reason the status's own name: for a status no edge gave details to
     * (a plain {@link StatusException}), so that a client still finds an ErrorInfo on every error.
     */
    public static RpcError of(GrpcStatus status, String message) {
        RpcError error = new RpcError(status, status.name(), message == null ? status.name() : message);
        return status == GrpcStatus.UNAVAILABLE ? error.detail(retryInfo(DEFAULT_RETRY_DELAY)) : error;
    }

    /** {@code failure} as the error a client receives: itself, a {@link StatusException} with its status, else null. */
    public static RpcError from(Throwable failure) {
        if (failure instanceof RpcError error) {
            return error;
        }
        if (failure instanceof StatusException status && status.status() != GrpcStatus.OK) {
            return of(status.status(), status.message());
        }
        return null;
    }

    /** Adds {@code key=value} to the ErrorInfo's metadata (ids the client may act on: field, neighbour, ...). */
    public RpcError with(String key, String value) {
        metadata.put(key, value == null ? "" : cut(value, MAX_SUBJECT));
        return this;
    }

    private RpcError detail(Message detail) {
        details.add(detail);
        return this;
    }

    private static RetryInfo retryInfo(java.time.Duration delay) {
        return RetryInfo.newBuilder()
            .setRetryDelay(Duration.newBuilder().setSeconds(delay.getSeconds()).setNanos(delay.getNano())).build();
    }

    // ---- what it is --------------------------------------------------------------------------------------------

    public GrpcStatus status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    /** The google.rpc.Status a client receives: code, message, ErrorInfo first, then the other details. */
    public Status toStatus() {
        Status.Builder status = Status.newBuilder()
            .setCode(this.status.code)
            .setMessage(getMessage())
            .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).putAllMetadata(metadata).build()));
        details.forEach(detail -> status.addDetails(Any.pack(detail)));
        return status.build();
    }

    /** The value of {@value #DETAILS_HEADER}: the serialized status, base64 as gRPC sends binary metadata. */
    public String detailsHeader() {
        return Base64.getEncoder().withoutPadding().encodeToString(toStatus().toByteArray());
    }

    /** The HTTP/JSON body: the google.rpc.Status in proto3 JSON, {@code {"code":..,"message":..,"details":[{"@type":..}]}}. */
    public String toJson() {
        return toJson(toStatus());
    }

    static String toJson(Status status) {
        try {
            return JSON.print(status);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a google.rpc detail type is missing from the registry", e);
        }
    }

    /** The same status without details, for the server's own response to send as status and message. */
    StatusException toStatusException() {
        return new StatusException(status, getMessage());
    }

    /**
     * {@code message} cut to {@link #MAX_MESSAGE} bytes of UTF-8: it travels in the grpc-message header (percent-encoded,
     * up to three characters a byte) and again in the details header, and clients refuse headers past a few kilobytes
     * (8 KiB in Vert.x, Netty and grpc-java), so a huge value echoed back would make the answer unsendable.
     */
    private static String capped(String message) {
        return cut(message, MAX_MESSAGE);
    }

    /** {@code text} if its UTF-8 form fits in {@code maxBytes}, else its longest prefix that does with "…" after it. */
    static String cut(String text, int maxBytes) {
        if (text.length() * 3 <= maxBytes || text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= maxBytes) {
            return text;
        }
        int budget = maxBytes - 3; // "…" is three bytes
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > budget) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return text.substring(0, end) + "…";
    }

    private static String requireReason(String reason) {
        if (reason == null || !REASON.matcher(reason).matches()) {
            throw new IllegalArgumentException("an ErrorInfo reason is UPPER_SNAKE_CASE, was " + reason);
        }
        return reason;
    }

    /** An error as a client receives it, read back from {@value #DETAILS_HEADER} or an HTTP/JSON body; for clients and tests. */
    public record Received(Status status) {

        private static final JsonFormat.Parser PARSER = JsonFormat.parser().usingTypeRegistry(TYPES);

        /** A {@value #DETAILS_HEADER} value, padded or not. */
        public static Received fromHeader(String value) {
            try {
                return new Received(Status.parseFrom(Base64.getDecoder().decode(value.trim())));
            } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
                throw new IllegalArgumentException(DETAILS_HEADER + " is not a base64 google.rpc.Status", e);
            }
        }

        /** An HTTP/JSON error body. */
        public static Received fromJson(String body) {
            try {
                Status.Builder status = Status.newBuilder();
                PARSER.merge(body, status);
                return new Received(status.build());
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalArgumentException("not a google.rpc.Status body: " + body, e);
            }
        }

        public ErrorInfo errorInfo() {
            return unpack(ErrorInfo.class).orElseThrow(() -> new IllegalStateException("no ErrorInfo in " + status));
        }

        /** The fields BadRequest names. */
        public List<String> fieldViolations() {
            return unpack(BadRequest.class).map(b -> b.getFieldViolationsList().stream().map(BadRequest.FieldViolation::getField).toList())
                .orElse(List.of());
        }

        public List<PreconditionFailure.Violation> preconditionViolations() {
            return unpack(PreconditionFailure.class).map(PreconditionFailure::getViolationsList).orElse(List.of());
        }

        public Optional<java.time.Duration> retryDelay() {
            return unpack(RetryInfo.class).map(RetryInfo::getRetryDelay)
                .map(d -> java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos()));
        }

        private <T extends Message> Optional<T> unpack(Class<T> type) {
            for (Any any : status.getDetailsList()) {
                if (any.is(type)) {
                    try {
                        return Optional.of(any.unpack(type));
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException("a detail that says it is a " + type.getSimpleName() + " is not one", e);
                    }
                }
            }
            return Optional.empty();
        }
    }
}
