package dev.cartwright.returns.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * What the customer gets back: money to the original payment, store credit, or a replacement order. The same word
 * names the kind of the refund record that settles the return.
 */
public enum Resolution {
    REFUND,
    EXCHANGE,
    STORE_CREDIT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The resolution for its word; an empty word means the default, {@link #REFUND}. */
    public static Optional<Resolution> fromWireName(String word) {
        if (word == null || word.isEmpty()) {
            return Optional.of(REFUND);
        }
        for (Resolution r : values()) {
            if (r.wireName().equals(word)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
