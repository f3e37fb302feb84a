package dev.cartwright.sim;

import dev.cartwright.service.grpc.RpcError;
import io.vertx.core.Future;

/**
 * The gRPC failures the simulators answer with, as failed futures ready to return: {@link RpcError}s, so that a caller
 * finds the same google.rpc details as on the services (an ErrorInfo with a stable reason, the field of a refused
 * request, the subject of a refused state).
 */
final class Status {

    private Status() {
    }

    /** INVALID_ARGUMENT naming {@code field}; the message is {@code field + " " + problem}. */
    static <T> Future<T> invalidField(String field, String problem) {
        return Future.failedFuture(RpcError.invalidField(field, problem));
    }

    /** INVALID_ARGUMENT naming {@code field}, with a message worded apart. */
    static <T> Future<T> invalidField(String field, String problem, String message) {
        return Future.failedFuture(RpcError.invalidField(field, problem, message));
    }

    /** NOT_FOUND: {@code reason} says what was not there (PRODUCT_NOT_FOUND, ...). */
    static <T> Future<T> notFound(String reason, String message) {
        return Future.failedFuture(RpcError.notFound(reason, message));
    }

    /** FAILED_PRECONDITION: the state of {@code subject} (e.g. {@code reservations/r-1}) refuses the call. */
    static <T> Future<T> failedPrecondition(String reason, String subject, String message) {
        return Future.failedFuture(RpcError.failedPrecondition(reason, subject, message));
    }

    /** A refused field of a request and what is wrong with it; the message is {@code field + " " + problem}. */
    record FieldProblem(String field, String problem) {

        String message() {
            return field + " " + problem;
        }
    }

    /** INVALID_ARGUMENT naming the field of {@code problem}. */
    static <T> Future<T> invalidField(FieldProblem problem) {
        return invalidField(problem.field(), problem.problem());
    }

    /** INVALID_ARGUMENT for a page request {@link Page#of} refused. */
    static <T> Future<T> invalidPage(Page.Invalid invalid) {
        return invalidField(invalid.field(), invalid.problem());
    }
}
