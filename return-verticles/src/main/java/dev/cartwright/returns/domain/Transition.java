package dev.cartwright.returns.domain;

/** The outcome of asking for an action in a status: the move it makes, or why it is refused. */
public sealed interface Transition {

    /** The action is allowed and moves the return from {@code from} to {@code to}. */
    record Moved(ReturnStatus from, ReturnStatus to, ReturnAction action) implements Transition {
    }

    /** The action is not allowed while the return is {@code current}. */
    record Refused(ReturnStatus current, ReturnAction action) implements Transition {

        public String message() {
            return "cannot " + action.verb() + " a return that is " + current.wireName();
        }
    }
}
