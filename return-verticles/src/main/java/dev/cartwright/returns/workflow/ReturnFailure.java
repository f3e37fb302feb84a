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
    private final String reason;
    private final String field;
    private final String problem;

    public ReturnFailure(Kind kind, String message) {
        this(kind, defaultReason(kind), message, null, null);
    }

    private ReturnFailure(Kind kind, String reason, String message, String field, String problem) {
        super(message, null, false, false);
        this.kind = kind;
        this.reason = reason;
        this.field = field;
        this.problem = problem;
    }

    public Kind kind() {
        return kind;
    }

    /** The stable UPPER_SNAKE reason a client can switch on (the README lists them); the message is for people. */
    public String reason() {
        return reason;
    }

    /** The field bad input names (INVALID_ARGUMENT only), else null. */
    public String field() {
        return field;
    }

    /** What is wrong with {@link #field()}, without the field's name. */
    public String problem() {
        return problem;
    }

    /** Bad input: the message starts with the field, e.g. {@code items[0].reason: must be one of ...}. */
    public static ReturnFailure invalid(String field, String problem) {
        return new ReturnFailure(Kind.INVALID_ARGUMENT, "INVALID_FIELD", field + ": " + problem, field, problem);
    }

    public static ReturnFailure notFound(String message) {
        return new ReturnFailure(Kind.NOT_FOUND, message);
    }

    public static ReturnFailure notFound(String reason, String message) {
        return new ReturnFailure(Kind.NOT_FOUND, reason, message, null, null);
    }

    public static ReturnFailure precondition(String message) {
        return new ReturnFailure(Kind.FAILED_PRECONDITION, message);
    }

    public static ReturnFailure precondition(String reason, String message) {
        return new ReturnFailure(Kind.FAILED_PRECONDITION, reason, message, null, null);
    }

    public static ReturnFailure denied(String message) {
        return new ReturnFailure(Kind.PERMISSION_DENIED, message);
    }

    public static ReturnFailure denied(String reason, String message) {
        return new ReturnFailure(Kind.PERMISSION_DENIED, reason, message, null, null);
    }

    public static ReturnFailure unavailable(String message) {
        return new ReturnFailure(Kind.UNAVAILABLE, message);
    }

    public static ReturnFailure aborted(String message) {
        return new ReturnFailure(Kind.ABORTED, message);
    }

    private static String defaultReason(Kind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> "INVALID_FIELD";
            case NOT_FOUND -> "RETURN_NOT_FOUND";
            case FAILED_PRECONDITION -> "RETURN_NOT_ALLOWED";
            case ABORTED -> "CONCURRENT_CHANGE";
            case UNAVAILABLE -> "DEPENDENCY_UNAVAILABLE";
            case PERMISSION_DENIED -> "NOT_PERMITTED";
        };
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
