package dev.cartwright.service.grpc;

import com.google.protobuf.Descriptors;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.CodecException;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.WireFormat;
import java.util.HashMap;
import java.util.Map;

/**
 * Owns the hand-written JSON codecs a service offers for its HTTP/JSON calls, by message type, and puts them in front of
 * the generated encoders and decoders: a JSON message with a codec is printed or parsed by it, and whatever the codec
 * leaves (null) goes to the generated one, as does every protobuf message. Immutable; built once at start-up.
 */
public final class JsonCodecs {

    /** No codecs: every HTTP/JSON message goes through JsonFormat. */
    public static final JsonCodecs NONE = new JsonCodecs(Map.of());

    private final Map<String, JsonCodec<?>> byType;

    private JsonCodecs(Map<String, JsonCodec<?>> byType) {
        this.byType = Map.copyOf(byType);
    }

    public static JsonCodecs of(JsonCodec<?>... codecs) {
        Map<String, JsonCodec<?>> byType = new HashMap<>();
        for (JsonCodec<?> codec : codecs) {
            if (byType.put(codec.typeName(), codec) != null) {
                throw new IllegalArgumentException("two JSON codecs for " + codec.typeName());
            }
        }
        return new JsonCodecs(byType);
    }

    /** {@code generated}, with the codec of {@code type} (if any) printing JSON in front of it. */
    @SuppressWarnings("unchecked")
    <T> GrpcMessageEncoder<T> encoder(GrpcMessageEncoder<T> generated, Descriptors.Descriptor type) {
        JsonCodec<T> codec = type == null ? null : (JsonCodec<T>) byType.get(type.getFullName());
        return codec == null ? generated : new Printing<>(codec, generated);
    }

    /** {@code generated}, with the codec of {@code type} (if any) parsing JSON in front of it. */
    @SuppressWarnings("unchecked")
    <T> GrpcMessageDecoder<T> decoder(GrpcMessageDecoder<T> generated, Descriptors.Descriptor type) {
        JsonCodec<T> codec = type == null ? null : (JsonCodec<T>) byType.get(type.getFullName());
        return codec == null ? generated : new Parsing<>(codec, generated);
    }

    private record Printing<T>(JsonCodec<T> codec, GrpcMessageEncoder<T> generated) implements GrpcMessageEncoder<T> {

        @Override
        public GrpcMessage encode(T message, WireFormat format) throws CodecException {
            if (format == WireFormat.JSON) {
                byte[] json = codec.print(message);
                if (json != null) {
                    return GrpcMessage.message("identity", WireFormat.JSON, Buffer.buffer(json));
                }
            }
            return generated.encode(message, format);
        }

        @Override
        public boolean accepts(WireFormat format) {
            return generated.accepts(format);
        }
    }

    private record Parsing<T>(JsonCodec<T> codec, GrpcMessageDecoder<T> generated) implements GrpcMessageDecoder<T> {

        @Override
        public T decode(GrpcMessage message) throws CodecException {
            if (message.format() == WireFormat.JSON && "identity".equals(message.encoding())) {
                T parsed = codec.parse(message.payload());
                if (parsed != null) {
                    return parsed;
                }
            }
            return generated.decode(message);
        }

        @Override
        public boolean accepts(WireFormat format) {
            return generated.accepts(format);
        }
    }
}
