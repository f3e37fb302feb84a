package dev.cartwright.service.call;

import io.vertx.grpc.common.GrpcStatus;
import java.util.Objects;

/**
 * Why a guarded call did not get an answer it can use, in the three kinds that call for different handling:
 * <ul>
 *   <li>{@link Refused}: the neighbour answered "no" (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, ...). Asking
 *       again gets the same answer; it is never retried and never counts against the circuit.</li>
 *   <li>{@link Unavailable}: the call cannot have been carried out (the circuit is open, no connection, UNAVAILABLE,
 *       RESOURCE_EXHAUSTED, ABORTED): nothing happened, so it is safe to try again later.</li>
 *   <li>{@link Unknown}: the call may have been carried out and only the answer was lost (a deadline, a reset or
 *       closed stream, CANCELLED, INTERNAL, UNKNOWN after it was sent). Only the same call with the same
 *       idempotency key can tell; nothing that undoes its effects may run until it has. Once an attempt of a call
 *       ended in doubt, the call stays in doubt even if a later attempt found the neighbour unavailable.</li>
 * </ul>
 */
public sealed interface CallFailure {

    String neighbour();

    String operation();

    /** A sentence for logs and for our own caller: who, what, and why. */
    String describe();

    /** The status that best tells our own caller what happened (the refusal's own; UNAVAILABLE otherwise). */
    GrpcStatus status();

    record Refused(String neighbour, String operation, GrpcStatus status, String message) implements CallFailure {
        public Refused {
            Objects.requireNonNull(neighbour, "neighbour");
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String describe() {
            return neighbour + " refused " + operation + " (" + status.name() + "): " + message;
        }
    }

    record Unavailable(String neighbour, String operation, String reason) implements CallFailure {
        public Unavailable {
            Objects.requireNonNull(neighbour, "neighbour");
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String describe() {
            return neighbour + " unavailable (" + operation + ": " + reason + ")";
        }

        @Override
        public GrpcStatus status() {
            return GrpcStatus.UNAVAILABLE;
        }
    }

    record Unknown(String neighbour, String operation, String reason) implements CallFailure {
        public Unknown {
            Objects.requireNonNull(neighbour, "neighbour");
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String describe() {
            return neighbour + " did not answer " + operation + " (" + reason + "); it may have acted";
        }

        @Override
        public GrpcStatus status() {
            return GrpcStatus.UNAVAILABLE;
        }
    }
}
