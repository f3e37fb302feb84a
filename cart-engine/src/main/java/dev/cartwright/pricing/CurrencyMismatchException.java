package dev.cartwright.pricing;

import java.util.Currency;

/** Raised when two amounts in different currencies meet; mixing currencies is always a programming error. */
public final class CurrencyMismatchException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final Currency expected;
    private final Currency actual;

    public CurrencyMismatchException(Currency expected, Currency actual) {
        super("currency mismatch: expected " + expected.getCurrencyCode() + " but got " + actual.getCurrencyCode());
        this.expected = expected;
        this.actual = actual;
    }

    public Currency expected() {
        return expected;
    }

    public Currency actual() {
        return actual;
    }
}
