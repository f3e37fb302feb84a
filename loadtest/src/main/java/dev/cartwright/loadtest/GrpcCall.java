package dev.cartwright.loadtest;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.DebugInfo;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Help;
import com.google.rpc.LocalizedMessage;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.QuotaFailure;
import com.google.rpc.RequestInfo;
import com.google.rpc.ResourceInfo;
import com.google.rpc.RetryInfo;
import dev.cartwright.proto.checkout.v1.CartProto;
import dev.cartwright.proto.checkout.v1.CheckoutProto;
import dev.cartwright.proto.returns.v1.ReturnProto;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A grpcurl-shaped command line for the public services, so the plan's manual commands run as
 * written on a machine without grpcurl:
 * {@code grpc-call -plaintext -d '{"customer_id":"123"}' localhost:9003 checkout.v1.CartService/CreateCart}.
 * The request JSON ({@code -d}, or {@code -d @} for standard input) is parsed against the method's input type (proto
 * field names or JSON names), sent as protobuf over HTTP/2, and the reply is printed as grpcurl prints it
 * ({@link GrpcurlJson}: lowerCamelCase JSON names, 64-bit integers as strings, default values left out unless
 * {@code -emit-defaults}). A failed call is reported on standard error as grpcurl reports it ({@code ERROR:}, the code,
 * the message and the {@code google.rpc} details) and exits with 64 plus the status code, as grpcurl does.
 */
public final class GrpcCall {

    /** grpcurl exits with this plus the status code when a call fails. */
    static final int EXIT_STATUS_OFFSET = 64;
    /** The detail messages errors carry, so that a detail (an Any) prints as its fields. */
    private static final JsonFormat.TypeRegistry DETAILS = JsonFormat.TypeRegistry.newBuilder()
        .add(List.of(ErrorInfo.getDescriptor(), BadRequest.getDescriptor(), PreconditionFailure.getDescriptor(),
            RetryInfo.getDescriptor(), ResourceInfo.getDescriptor(), QuotaFailure.getDescriptor(), Help.getDescriptor(),
            LocalizedMessage.getDescriptor(), DebugInfo.getDescriptor(), RequestInfo.getDescriptor()))
        .build();
    private static final List<Descriptors.FileDescriptor> FILES = List.of(
        CartProto.getDescriptor(), CheckoutProto.getDescriptor(), ReturnProto.getDescriptor());

    private GrpcCall() {
    }

    public static void main(String[] args) throws Exception {
        String data = "{}";
        boolean emitDefaults = false;
        List<String> headers = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-plaintext" -> { }
                case "-emit-defaults" -> emitDefaults = true;
                case "-d" -> data = args[++i];
                case "-H" -> headers.add(args[++i]);
                default -> positional.add(args[i]);
            }
        }
        if (positional.size() != 2) {
            System.err.println("usage: grpc-call [-plaintext] [-emit-defaults] [-H 'name: value'] -d '<json>'|@ host:port"
                + " package.Service/Method");
            System.exit(2);
        }
        if ("@".equals(data)) {
            data = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        }
        System.exit(call(positional.get(0), positional.get(1), data, headers, emitDefaults));
    }

    static int call(String target, String fullMethod, String json, List<String> headers, boolean emitDefaults) throws Exception {
        Descriptors.MethodDescriptor method = find(fullMethod);
        DynamicMessage.Builder request = DynamicMessage.newBuilder(method.getInputType());
        JsonFormat.parser().merge(json, request);
        int colon = target.lastIndexOf(':');
        SocketAddress address = SocketAddress.inetSocketAddress(Integer.parseInt(target.substring(colon + 1)),
            target.substring(0, colon));

        Vertx vertx = Vertx.vertx();
        GrpcClient client = GrpcClient.client(vertx,
            new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        client.request(address).onSuccess(call -> {
            call.fullMethodName(fullMethod);
            for (String header : headers) {
                int sep = header.indexOf(':');
                call.headers().add(header.substring(0, sep).trim().toLowerCase(), header.substring(sep + 1).trim());
            }
            call.end(Buffer.buffer(request.build().toByteArray()));
            call.response().onSuccess(response -> collect(response, method, emitDefaults, exit)).onFailure(exit::completeExceptionally);
        }).onFailure(exit::completeExceptionally);
        try {
            return exit.get(30, TimeUnit.SECONDS);
        } finally {
            client.close();
            vertx.close();
        }
    }

    private static void collect(GrpcClientResponse<Buffer, Buffer> response, Descriptors.MethodDescriptor method, boolean emitDefaults,
                                CompletableFuture<Integer> exit) {
        List<Buffer> messages = new ArrayList<>();
        response.handler(messages::add);
        response.exceptionHandler(exit::completeExceptionally);
        response.endHandler(v -> {
            try {
                for (Buffer message : messages) {
                    System.out.println(format(DynamicMessage.parseFrom(method.getOutputType(), message.getBytes()), emitDefaults));
                }
                if (response.status() != GrpcStatus.OK) {
                    System.err.print(error(response.status(), response.statusMessage(),
                        response.trailers().get("grpc-status-details-bin")));
                    exit.complete(EXIT_STATUS_OFFSET + response.status().code);
                    return;
                }
                exit.complete(0);
            } catch (InvalidProtocolBufferException e) {
                exit.completeExceptionally(e);
            }
        });
    }

    /** One message as grpcurl prints it. */
    static String format(Message message, boolean emitDefaults) throws InvalidProtocolBufferException {
        JsonFormat.Printer printer = JsonFormat.printer().usingTypeRegistry(DETAILS).omittingInsignificantWhitespace();
        if (emitDefaults) {
            printer = printer.alwaysPrintFieldsWithNoPresence();
        }
        return GrpcurlJson.indent(printer.print(message));
    }

    /**
     * A failed call's report as grpcurl's {@code PrintStatus} writes it: the code by its Go name, the message, and each
     * {@code google.rpc} detail of {@code grpc-status-details-bin} (base64) as JSON, numbered.
     */
    static String error(GrpcStatus status, String message, String detailsBin) throws InvalidProtocolBufferException {
        StringBuilder out = new StringBuilder("ERROR:\n  Code: ").append(goName(status)).append("\n  Message: ")
            .append(message == null ? "" : message).append('\n');
        if (detailsBin != null && !detailsBin.isEmpty()) {
            com.google.rpc.Status details = com.google.rpc.Status.parseFrom(Base64.getDecoder().decode(detailsBin));
            if (details.getDetailsCount() > 0) {
                out.append("  Details:\n");
                for (int i = 0; i < details.getDetailsCount(); i++) {
                    String prefix = "  " + (i + 1) + ")";
                    out.append(prefix).append('\t');
                    String[] lines = format(details.getDetails(i), false).split("\n", -1);
                    for (int l = 0; l < lines.length; l++) {
                        if (l > 0) {
                            out.append(" ".repeat(prefix.length())).append('\t');
                        }
                        out.append(lines[l]).append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    /** gRPC-Go's name of a code ({@code codes.Code.String()}): NotFound, FailedPrecondition, and Canceled with one l. */
    static String goName(GrpcStatus status) {
        return status == GrpcStatus.CANCELLED ? "Canceled" : pascal(status.name());
    }

    private static String pascal(String status) {
        StringBuilder out = new StringBuilder();
        for (String part : status.split("_")) {
            out.append(part.charAt(0)).append(part.substring(1).toLowerCase());
        }
        return out.toString();
    }

    static Descriptors.MethodDescriptor find(String fullMethod) {
        int slash = fullMethod.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("method must be package.Service/Method, was " + fullMethod);
        }
        String service = fullMethod.substring(0, slash);
        String name = fullMethod.substring(slash + 1);
        for (Descriptors.FileDescriptor file : FILES) {
            for (Descriptors.ServiceDescriptor s : file.getServices()) {
                if (s.getFullName().equals(service)) {
                    Descriptors.MethodDescriptor m = s.findMethodByName(name);
                    if (m != null) {
                        return m;
                    }
                }
            }
        }
        throw new IllegalArgumentException("unknown method " + fullMethod);
    }
}
