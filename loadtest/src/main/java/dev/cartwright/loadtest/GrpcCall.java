package dev.cartwright.loadtest;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A grpcurl-shaped command line for the public services, so the plan's manual commands run as
 * written on a machine without grpcurl:
 * {@code grpc-call -plaintext -d '{"customer_id":"123"}' localhost:9003 checkout.v1.CartService/CreateCart}.
 * The request JSON is parsed against the method's input type (proto field names or JSON names),
 * sent as protobuf over HTTP/2, and the reply is printed as JSON with the proto field names.
 */
public final class GrpcCall {

    private static final List<Descriptors.FileDescriptor> FILES = List.of(
        CartProto.getDescriptor(), CheckoutProto.getDescriptor(), ReturnProto.getDescriptor());

    private GrpcCall() {
    }

    public static void main(String[] args) throws Exception {
        String data = "{}";
        List<String> headers = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-plaintext" -> { }
                case "-d" -> data = args[++i];
                case "-H" -> headers.add(args[++i]);
                default -> positional.add(args[i]);
            }
        }
        if (positional.size() != 2) {
            System.err.println("usage: grpc-call [-plaintext] [-H 'name: value'] -d '<json>' host:port package.Service/Method");
            System.exit(2);
        }
        System.exit(call(positional.get(0), positional.get(1), data, headers));
    }

    static int call(String target, String fullMethod, String json, List<String> headers) throws Exception {
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
            call.response().onSuccess(response -> collect(response, method, exit)).onFailure(exit::completeExceptionally);
        }).onFailure(exit::completeExceptionally);
        try {
            return exit.get(30, TimeUnit.SECONDS);
        } finally {
            client.close();
            vertx.close();
        }
    }

    private static void collect(GrpcClientResponse<Buffer, Buffer> response, Descriptors.MethodDescriptor method,
                                CompletableFuture<Integer> exit) {
        List<Buffer> messages = new ArrayList<>();
        response.handler(messages::add);
        response.exceptionHandler(exit::completeExceptionally);
        response.endHandler(v -> {
            if (response.status() != GrpcStatus.OK) {
                System.out.println("ERROR:\n  Code: " + pascal(response.status().name()) + "\n  Message: " + response.statusMessage());
                exit.complete(1);
                return;
            }
            try {
                for (Buffer message : messages) {
                    DynamicMessage reply = DynamicMessage.parseFrom(method.getOutputType(), message.getBytes());
                    System.out.println(JsonFormat.printer().preservingProtoFieldNames().print(reply));
                }
                exit.complete(0);
            } catch (InvalidProtocolBufferException e) {
                exit.completeExceptionally(e);
            }
        });
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
