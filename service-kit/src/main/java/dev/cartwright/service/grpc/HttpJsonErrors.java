package dev.cartwright.service.grpc;

import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxServiceProvider;
import io.vertx.core.spi.context.storage.ContextLocal;
import io.vertx.grpc.common.CodecException;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.InvalidMessageException;
import io.vertx.grpc.common.MessageSizeOverflowException;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.common.WireFormat;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;
import io.vertx.grpc.transcoding.TranscodingServiceMethod;

/**
 * Owns what the endpoint adds to the transcoder so that every HTTP/JSON error reply says what went
 * wrong: the per-call slot holding the {@link HttpJsonCall}, and the binding of services whose
 * handlers note the request type of each call and whose decoders note the request they rejected
 * (the transcoder drops the parser's message). Native gRPC and gRPC-Web calls find no HTTP/JSON
 * call in their context and pass through untouched. Registered as a service provider because
 * context locals must exist before the first Vert.x instance.
 */
public final class HttpJsonErrors implements VertxServiceProvider {

    static final ContextLocal<HttpJsonCall> CALL = ContextLocal.registerLocal(HttpJsonCall.class);

    @Override
    public void init(VertxBootstrap builder) {
        // Loading this class registered the local; nothing else to set up.
    }

    /** A call is HTTP/JSON when it is neither gRPC nor gRPC-Web; the endpoint has already defaulted curl's content type. */
    static boolean isHttpJson(HttpServerRequest request) {
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        return contentType == null || !contentType.startsWith("application/grpc");
    }

    /**
     * {@code service} bound so that its HTTP/JSON calls can explain a request that could not be decoded, with
     * {@code codecs} reading and writing the JSON of the messages they know.
     */
    static Service explaining(Service service, JsonCodecs codecs, int maxMessageSize) {
        return ForwardingGrpcServer.bindingThrough(service, server -> new Registrar(server, service.descriptor(), codecs, maxMessageSize));
    }

    /** The server as the service sees it while binding: each method handler and decoder is registered with a note-taker around it. */
    private static final class Registrar extends ForwardingGrpcServer {

        private final Descriptors.ServiceDescriptor descriptor;
        private final JsonCodecs codecs;
        private final int maxMessageSize;

        Registrar(GrpcServer server, Descriptors.ServiceDescriptor descriptor, JsonCodecs codecs, int maxMessageSize) {
            super(server);
            this.descriptor = descriptor;
            this.codecs = codecs;
            this.maxMessageSize = maxMessageSize;
        }

        @Override
        public <Req, Resp> GrpcServer callHandler(ServiceMethod<Req, Resp> method, Handler<GrpcServerRequest<Req, Resp>> handler) {
            if (handler == null) {
                return super.callHandler(method, null);
            }
            Descriptors.MethodDescriptor described = descriptor == null ? null : descriptor.findMethodByName(method.methodName());
            Descriptors.Descriptor requestType = described == null ? null : described.getInputType();
            GrpcMessageDecoder<Req> decoder = new NotingDecoder<>(codecs.decoder(method.decoder(), requestType),
                requestType == null ? "request of " + method.methodName() : requestType.getFullName());
            GrpcMessageEncoder<Resp> encoder = codecs.encoder(new CompactJsonEncoder<>(method.encoder()),
                described == null ? null : described.getOutputType());
            ServiceName service = method.serviceName();
            ServiceMethod<Req, Resp> noting = method instanceof TranscodingServiceMethod<Req, Resp> transcoded
                ? TranscodingServiceMethod.server(service, method.methodName(), encoder, decoder, transcoded.options())
                : ServiceMethod.server(service, method.methodName(), encoder, decoder);
            return super.callHandler(noting, request -> {
                HttpJsonCall call = HttpJsonCall.current();
                if (call != null) {
                    call.routedTo(requestType);
                }
                request.invalidMessageHandler(invalid -> refuse(request, invalid));
                handler.handle(RequestIds.checked(StatusDetails.of(request)));
            });
        }

        /**
         * A message the server would not deframe: one past the size limit is RESOURCE_EXHAUSTED naming the limit (the
         * server's own answer names nothing); anything else is cancelled, as the server does. The stream is not reset
         * after the answer: the DATA frames already on their way would each draw a RST_STREAM from the server, and past
         * a few hundred the client takes that for a flood and drops the connection with every call on it.
         */
        private void refuse(GrpcServerRequest<?, ?> request, InvalidMessageException invalid) {
            if (invalid instanceof MessageSizeOverflowException tooLarge) {
                StatusDetails.end(request.response(), RpcError.messageTooLarge(tooLarge.messageSize(), maxMessageSize));
            } else {
                request.response().cancel();
            }
        }
    }

    /**
     * A method's own encoder, except that a protobuf reply to an HTTP/JSON call is printed without the
     * indentation and line breaks the generated encoder's default printer adds (about half of a cart's
     * reply). The printer is immutable and shared.
     */
    private record CompactJsonEncoder<T>(GrpcMessageEncoder<T> encoder) implements GrpcMessageEncoder<T> {

        private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

        @Override
        public GrpcMessage encode(T message, WireFormat format) throws CodecException {
            if (format == WireFormat.JSON && message instanceof MessageOrBuilder reply) {
                try {
                    return GrpcMessage.message("identity", WireFormat.JSON, Buffer.buffer(PRINTER.print(reply)));
                } catch (InvalidProtocolBufferException e) {
                    throw new CodecException(e);
                }
            }
            return encoder.encode(message, format);
        }

        @Override
        public boolean accepts(WireFormat format) {
            return encoder.accepts(format);
        }
    }

    /**
     * A method's own decoder; when it rejects an HTTP/JSON request it notes the JSON it was given on the call first.
     * A gRPC request it cannot decode (a string that is not UTF-8, say) is handed on as {@link RequestIds.Undecodable},
     * which the checked request answers with INVALID_ARGUMENT: the server itself would only reset the stream.
     */
    private record NotingDecoder<T>(GrpcMessageDecoder<T> decoder, String typeName) implements GrpcMessageDecoder<T> {

        @Override
        @SuppressWarnings("unchecked")
        public T decode(GrpcMessage message) throws CodecException {
            try {
                return decoder.decode(message);
            } catch (CodecException e) {
                if (message.format() != WireFormat.JSON) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    return (T) new RequestIds.Undecodable("request is not a valid " + typeName + ": " + cause.getMessage());
                }
                HttpJsonCall call = HttpJsonCall.current();
                if (call != null) {
                    call.rejected(message.payload());
                }
                throw e;
            }
        }

        @Override
        public boolean accepts(WireFormat format) {
            return decoder.accepts(format);
        }
    }
}
