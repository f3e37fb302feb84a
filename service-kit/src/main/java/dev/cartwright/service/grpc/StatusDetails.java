package dev.cartwright.service.grpc;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;

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
    static <Q, R> GrpcServerRequest<Q, R> of(GrpcServerRequest<Q, R> request) {
        GrpcServerResponse<Q, R> response = new ForwardingServerResponse<>(request.response()) {
            @Override
            public void fail(Throwable failure) {
                StatusDetails.fail(delegate, failure);
            }
        };
        return new ForwardingServerRequest<>(request) {
            @Override
            public GrpcServerResponse<Q, R> response() {
                return response;
            }

            @Override
            public GrpcServerRequest<Q, R> handler(Handler<Q> handler) {
                return super.handler(handler == null ? null : message -> {
                    try {
                        handler.handle(message);
                    } catch (RuntimeException e) {
                        StatusDetails.fail(delegate.response(), e);
                    }
                });
            }
        };
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
}
