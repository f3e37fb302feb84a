package dev.cartwright.returns.domain;

import java.util.Locale;
import java.util.Optional;

/** Where a return request stands. The stored and published name is the lower-case word, e.g. {@code items_received}. */
public enum ReturnStatus {
    REQUESTED,
    APPROVED,
    REJECTED,
    ITEMS_RECEIVED,
    REFUNDED,
    COMPLETED,
    CANCELLED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the items of a return in this state still count against what the order may return. */
    public boolean claimsItems() {
        return this != REJECTED && this != CANCELLED;
    }

    public static Optional<ReturnStatus> fromWireName(String name) {
        for (ReturnStatus s : values()) {
            if (s.wireName().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
