package dev.cartwright.service.call;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcErrorException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

/**
 * The one table that says what a failed call means, for every service and every neighbour. A gRPC status goes by the
 * table below; a failure below gRPC goes by whether the request can have left this process: no connection (refused,
 * unknown host, connect timeout) or an open circuit means it never did, anything else (a deadline, a reset or closed
 * stream) means it may have reached the neighbour and been carried out.
 *
 * <pre>
 *   REFUSED      INVALID_ARGUMENT NOT_FOUND ALREADY_EXISTS PERMISSION_DENIED UNAUTHENTICATED FAILED_PRECONDITION
 *                OUT_OF_RANGE UNIMPLEMENTED
 *   UNAVAILABLE  UNAVAILABLE RESOURCE_EXHAUSTED ABORTED; open circuit; connection refused / unknown host / connect timeout
 *   UNKNOWN      DEADLINE_EXCEEDED CANCELLED INTERNAL UNKNOWN DATA_LOSS; our deadline; reset or closed stream; anything else
 * </pre>
 */
public final class CallClassification {

    /** The three kinds of {@link CallFailure}. */
    public enum Kind { REFUSED, UNAVAILABLE, UNKNOWN }

    private CallClassification() {
    }

    public static Kind of(GrpcStatus status) {
        return switch (status) {
            case INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, UNAUTHENTICATED, FAILED_PRECONDITION, OUT_OF_RANGE,
                 UNIMPLEMENTED -> Kind.REFUSED;
            case UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED -> Kind.UNAVAILABLE;
            case OK, DEADLINE_EXCEEDED, CANCELLED, INTERNAL, UNKNOWN, DATA_LOSS -> Kind.UNKNOWN;
        };
    }

    public static Kind of(Throwable failure) {
        if (failure instanceof OpenCircuitException || failure instanceof ConnectException || failure instanceof UnknownHostException
            || failure instanceof NoRouteToHostException || failure instanceof ConnectTimeoutException) {
            return Kind.UNAVAILABLE;
        }
        GrpcStatus status = statusOf(failure);
        return status == null ? Kind.UNKNOWN : of(status);
    }

    /** The gRPC status a failed call ended with, or null for a failure below gRPC. */
    public static GrpcStatus statusOf(Throwable failure) {
        if (failure instanceof InvalidStatusException invalid) {
            return invalid.actualStatus();
        }
        if (failure instanceof GrpcErrorException error) {
            return error.status();
        }
        if (failure instanceof StatusException status) {
            return status.status();
        }
        return null;
    }

    /** The neighbour's own words when it sent a status with a message, else the status or the failure's message. */
    static String messageOf(Throwable failure) {
        if (failure instanceof StatusException status && status.message() != null && !status.message().isEmpty()) {
            return status.message();
        }
        GrpcStatus status = statusOf(failure);
        if (status != null) {
            return status.name();
        }
        return String.valueOf(failure.getMessage());
    }

    /** A few words on why a call got no answer, for logs and messages. */
    static String why(Throwable failure) {
        if (failure instanceof OpenCircuitException) {
            return "circuit open";
        }
        if (failure instanceof GuardedCall.TimedOut || failure instanceof io.vertx.circuitbreaker.TimeoutException) {
            return "timed out";
        }
        GrpcStatus status = statusOf(failure);
        return status != null ? status.name() : failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    /** The failure of one call of {@code operation} on {@code neighbour}, as a value. */
    public static CallFailure failure(String neighbour, String operation, Throwable failure) {
        return switch (of(failure)) {
            case REFUSED -> new CallFailure.Refused(neighbour, operation, statusOf(failure), messageOf(failure));
            case UNAVAILABLE -> new CallFailure.Unavailable(neighbour, operation, why(failure));
            case UNKNOWN -> new CallFailure.Unknown(neighbour, operation, why(failure));
        };
    }
}
