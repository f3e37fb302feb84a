package dev.cartwright.sim;

import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;

/** The gRPC failures the simulators answer with, as failed futures ready to return. */
final class Status {

    private Status() {
    }

    static <T> Future<T> invalidArgument(String message) {
        return fail(GrpcStatus.INVALID_ARGUMENT, message);
    }

    static <T> Future<T> notFound(String message) {
        return fail(GrpcStatus.NOT_FOUND, message);
    }

    static <T> Future<T> failedPrecondition(String message) {
        return fail(GrpcStatus.FAILED_PRECONDITION, message);
    }

    static <T> Future<T> fail(GrpcStatus status, String message) {
        return Future.failedFuture(new StatusException(status, message));
    }
}
