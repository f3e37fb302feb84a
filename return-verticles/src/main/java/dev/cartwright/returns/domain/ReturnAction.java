package dev.cartwright.returns.domain;

/** What someone (or the refund worker) asks of a return; each moves it from one status to another or is refused. */
public enum ReturnAction {
    APPROVE("approve"),
    REJECT("reject"),
    RECEIVE_ITEMS("receive items of"),
    REFUND("refund"),
    COMPLETE("complete"),
    CANCEL("cancel");

    private final String verb;

    ReturnAction(String verb) {
        this.verb = verb;
    }

    /** The action as a sentence says it: "cannot {verb} a return that is approved". */
    public String verb() {
        return verb;
    }
}
