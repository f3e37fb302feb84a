package dev.cartwright.returns.domain;

/** The calculator's answer: a quote, or why the units cannot be refunded. */
public sealed interface RefundOutcome {

    record Quoted(RefundQuote quote) implements RefundOutcome {
    }

    /** The units asked for do not fit the order: an unknown line, or more units than are left to refund. */
    record Refused(String orderItemId, String message) implements RefundOutcome {
    }
}
