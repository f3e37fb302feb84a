package dev.cartwright.service.grpc;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.vertx.core.Handler;
import io.vertx.grpc.server.GrpcServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Owns the rule every id of every request keeps, in every service: no control character (NUL among them), and a
 * request that cannot be decoded (a string that is not UTF-8, say) is INVALID_ARGUMENT too. Both are checked as each
 * request reaches its method, before any handler sees it, so no service answers INTERNAL, UNKNOWN or a 500 for an odd
 * id, over gRPC, gRPC-Web and HTTP/JSON alike. An id is a string field named {@code *_id}, {@code *_ids} or
 * {@code *_key}, at any depth of the request.
 */
final class RequestIds {

    /** Per request type, the id fields and the message fields (which may hold ids) to look at. */
    private static final Map<Descriptors.Descriptor, List<FieldDescriptor>> FIELDS = new ConcurrentHashMap<>();

    private RequestIds() {
    }

    /** What a decoder gives the handler in place of a request it could not decode. */
    record Undecodable(String reason) {
    }

    /** {@code request} with a message handler that answers INVALID_ARGUMENT for an undecodable request or an odd id. */
    static <Q, R> GrpcServerRequest<Q, R> checked(GrpcServerRequest<Q, R> request) {
        return new ForwardingServerRequest<>(request) {
            @Override
            public GrpcServerRequest<Q, R> handler(Handler<Q> handler) {
                return super.handler(handler == null ? null : message -> {
                    if (message instanceof Undecodable undecodable) {
                        throw RpcError.malformed(undecodable.reason());
                    }
                    RpcError odd = problem(message);
                    if (odd != null) {
                        throw odd;
                    }
                    handler.handle(message);
                });
            }
        };
    }

    /** Null when every id of {@code request} is clean, else INVALID_ARGUMENT naming the field. */
    static RpcError problem(Object request) {
        String path = request instanceof Message message ? oddField(message) : null;
        return path == null ? null : RpcError.invalidField(path, "must not contain control characters");
    }

    /**
     * The path of the first id of {@code message} holding a control character ({@code items[1].order_item_id}), or
     * null when there is none. The path is put together only on the way back from an odd id: a clean request, which
     * is nearly every one, costs no string.
     */
    private static String oddField(Message message) {
        for (FieldDescriptor field : FIELDS.computeIfAbsent(message.getDescriptorForType(), RequestIds::fieldsToCheck)) {
            if (field.isRepeated()) {
                int count = message.getRepeatedFieldCount(field);
                for (int i = 0; i < count; i++) {
                    String odd = oddValue(message.getRepeatedField(field, i));
                    if (odd != null) {
                        return field.getName() + "[" + i + "]" + odd;
                    }
                }
            } else if (field.getJavaType() == FieldDescriptor.JavaType.STRING || message.hasField(field)) {
                String odd = oddValue(message.getField(field));
                if (odd != null) {
                    return field.getName() + odd;
                }
            }
        }
        return null;
    }

    /**
     * For a field's value: null when clean; for an odd id the empty string (the caller names the field); for a message
     * holding one, {@code .} and the path within it.
     */
    private static String oddValue(Object value) {
        if (value instanceof Message nested) {
            String odd = oddField(nested);
            return odd == null ? null : "." + odd;
        }
        return value instanceof String text && hasControlCharacter(text) ? "" : null;
    }

    private static List<FieldDescriptor> fieldsToCheck(Descriptors.Descriptor type) {
        List<FieldDescriptor> fields = new ArrayList<>();
        for (FieldDescriptor field : type.getFields()) {
            boolean id = field.getJavaType() == FieldDescriptor.JavaType.STRING && isIdName(field.getName());
            // Only messages of our own packages: the well-known types (Timestamp, ...) hold no ids.
            boolean nested = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                && !field.getMessageType().getFile().getPackage().startsWith("google.");
            if (id || nested) {
                fields.add(field);
            }
        }
        return List.copyOf(fields);
    }

    static boolean isIdName(String name) {
        return name.endsWith("_id") || name.endsWith("_ids") || name.endsWith("_key");
    }

    static boolean hasControlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
