package dev.cartwright.service.grpc;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Owns how a failed call's answer carries its google.rpc details. Vert.x's {@code StatusException} holds a status
 * and a message only, so each request a service handles is seen through this view: a failure the service hands to
 * {@code response().fail(..)}, or throws from its message handler, is sent as an {@link RpcError} (a plain status
 * gets the ErrorInfo its status names) with {@value RpcError#DETAILS_HEADER} set before the status goes out. On
 * HTTP/JSON the transcoder puts that trailer among the headers, where {@link HttpJsonCall} turns it into the body.
 */
final class StatusDetails {

    private StatusDetails() {
    }

    /** {@code request} whose response sends details with every failure. */
    @SuppressWarnings("unchecked")
    static <Q, R> GrpcServerRequest<Q, R> of(GrpcServerRequest<Q, R> request) {
        GrpcServerResponse<Q, R> response = detailed(request.response());
        return (GrpcServerRequest<Q, R>) Proxy.newProxyInstance(StatusDetails.class.getClassLoader(),
            new Class<?>[] {GrpcServerRequest.class}, (proxy, method, args) -> {
                if (method.getName().equals("response") && method.getParameterCount() == 0) {
                    return response;
                }
                if (isMessageHandler(method) && args[0] != null) {
                    Handler<Object> handler = (Handler<Object>) args[0];
                    return invoke(method, request, new Object[] {(Handler<Object>) message -> {
                        try {
                            handler.handle(message);
                        } catch (RuntimeException e) {
                            fail(request.response(), e);
                        }
                    }});
                }
                return invoke(method, request, args);
            });
    }

    @SuppressWarnings("unchecked")
    private static <Q, R> GrpcServerResponse<Q, R> detailed(GrpcServerResponse<Q, R> response) {
        return (GrpcServerResponse<Q, R>) Proxy.newProxyInstance(StatusDetails.class.getClassLoader(),
            new Class<?>[] {GrpcServerResponse.class}, (proxy, method, args) -> {
                if (method.getName().equals("fail") && method.getParameterCount() == 1) {
                    fail(response, (Throwable) args[0]);
                    return null;
                }
                return invoke(method, response, args);
            });
    }

    /** Fails {@code response} with {@code failure}, its details in the trailers when it is a status. */
    static void fail(GrpcServerResponse<?, ?> response, Throwable failure) {
        RpcError error = RpcError.from(failure);
        if (error == null) {
            response.fail(failure);
            return;
        }
        try {
            response.trailers().set(RpcError.DETAILS_HEADER, error.detailsHeader());
        } catch (IllegalStateException trailersSent) {
            // The call already ended (cancelled, timed out): there is nobody left to tell.
            return;
        }
        response.fail(error.toStatusException());
    }

    /** Ends {@code response} with {@code error}'s status, message and details; completes once the status is written. */
    static Future<Void> end(GrpcServerResponse<?, ?> response, RpcError error) {
        response.trailers().set(RpcError.DETAILS_HEADER, error.detailsHeader());
        return response.status(error.status()).statusMessage(error.getMessage()).end();
    }

    static boolean isMessageHandler(Method method) {
        return method.getName().equals("handler") && method.getParameterCount() == 1 && method.getParameterTypes()[0] == Handler.class;
    }

    static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
