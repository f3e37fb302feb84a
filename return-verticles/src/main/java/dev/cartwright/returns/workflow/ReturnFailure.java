package dev.cartwright.returns.workflow;

import dev.cartwright.returns.store.DatabaseTrouble;

/**
 * Why a return operation did not happen, in words the edge turns into a gRPC status: bad input (naming the field),
 * not found, a rule or state that forbids it now, a concurrent change, a neighbour that is down, or a caller who may
 * not do it. Nothing was changed when one of these is raised.
 */
public final class ReturnFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public enum Kind {
        INVALID_ARGUMENT,
        NOT_FOUND,
        FAILED_PRECONDITION,
        ABORTED,
        UNAVAILABLE,
        PERMISSION_DENIED
    }

    private final Kind kind;

    public ReturnFailure(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** Bad input: the message starts with the field, e.g. {@code items[0].reason: must be one of ...}. */
    public static ReturnFailure invalid(String field, String problem) {
        return new ReturnFailure(Kind.INVALID_ARGUMENT, field + ": " + problem);
    }

    public static ReturnFailure notFound(String message) {
        return new ReturnFailure(Kind.NOT_FOUND, message);
    }

    public static ReturnFailure precondition(String message) {
        return new ReturnFailure(Kind.FAILED_PRECONDITION, message);
    }

    public static ReturnFailure denied(String message) {
        return new ReturnFailure(Kind.PERMISSION_DENIED, message);
    }

    public static ReturnFailure unavailable(String message) {
        return new ReturnFailure(Kind.UNAVAILABLE, message);
    }

    public static ReturnFailure aborted(String message) {
        return new ReturnFailure(Kind.ABORTED, message);
    }

    /**
     * {@code e} in the words of this class when it has some: a failure of its own as it is, a database conflict as
     * ABORTED and an unreachable database as UNAVAILABLE (both safe to retry); anything else unchanged.
     */
    public static Throwable explain(Throwable e) {
        if (e instanceof ReturnFailure) {
            return e;
        }
        return DatabaseTrouble.of(e).<Throwable>map(trouble -> switch (trouble) {
            case CONFLICT -> aborted("concurrent change; try again");
            case UNREACHABLE -> unavailable("return_db is unreachable; try again");
            case REFUSED -> e;
        }).orElse(e);
    }
}
