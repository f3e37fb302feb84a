package dev.cartwright.returns.domain;

/**
 * Owns the rules of which action may happen in which status; a pure function with no I/O, so every pair can be
 * checked in a unit test. The moves:
 * <pre>
 * requested      --approve-->        approved
 * requested      --reject-->         rejected
 * approved       --receive items-->  items_received
 * items_received --refund-->         refunded
 * refunded       --complete-->       completed
 * requested, approved --cancel-->    cancelled   (not once items are received)
 * </pre>
 */
public final class ReturnStateMachine {

    private ReturnStateMachine() {
    }

    public static Transition apply(ReturnStatus current, ReturnAction action) {
        ReturnStatus to = switch (action) {
            case APPROVE -> current == ReturnStatus.REQUESTED ? ReturnStatus.APPROVED : null;
            case REJECT -> current == ReturnStatus.REQUESTED ? ReturnStatus.REJECTED : null;
            case RECEIVE_ITEMS -> current == ReturnStatus.APPROVED ? ReturnStatus.ITEMS_RECEIVED : null;
            case REFUND -> current == ReturnStatus.ITEMS_RECEIVED ? ReturnStatus.REFUNDED : null;
            case COMPLETE -> current == ReturnStatus.REFUNDED ? ReturnStatus.COMPLETED : null;
            case CANCEL -> current == ReturnStatus.REQUESTED || current == ReturnStatus.APPROVED ? ReturnStatus.CANCELLED : null;
        };
        return to == null ? new Transition.Refused(current, action) : new Transition.Moved(current, to, action);
    }
}
