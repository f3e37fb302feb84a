package dev.cartwright.service.grpc;

import io.vertx.core.buffer.Buffer;

/**
 * A hand-written protobuf JSON form of one message type, for the HTTP/JSON calls of the hot path: protobuf's
 * {@code JsonFormat} reads and writes every field by reflection. Where a codec answers, its answer must be exactly
 * JsonFormat's (the compact printer's bytes, the default parser's message); where it cannot be sure, it answers null
 * and the call is left to JsonFormat, errors included. Property tests hold each codec to that.
 *
 * @param <T> the generated message class
 */
public interface JsonCodec<T> {

    /** The protobuf full name of the message type, e.g. {@code checkout.v1.Cart}. */
    String typeName();

    /** The bytes {@code JsonFormat.printer().omittingInsignificantWhitespace()} prints, or null to leave it to JsonFormat. */
    default byte[] print(T message) {
        return null;
    }

    /** The message {@code JsonFormat.parser()} builds from {@code json}, or null to leave it to JsonFormat. */
    default T parse(Buffer json) {
        return null;
    }
}
