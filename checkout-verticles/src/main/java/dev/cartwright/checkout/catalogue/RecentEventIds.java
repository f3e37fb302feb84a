package dev.cartwright.checkout.catalogue;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the ids of the last events handled, so a redelivered event is skipped. Bounded and in memory on
 * purpose: the events it guards (a price, a stock level, a product's facts) are absolute values whose
 * re-application is harmless, so forgetting an id after a restart or after many newer events costs nothing but
 * repeated work. Used from one consumer's context only; not thread-safe.
 */
public final class RecentEventIds {

    private final Map<String, Boolean> seen;

    public RecentEventIds(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.seen = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True the first time {@code eventId} is offered (and remembers it), false for a repeat. */
    public boolean firstTime(String eventId) {
        return seen.putIfAbsent(eventId, Boolean.TRUE) == null;
    }

    public int size() {
        return seen.size();
    }
}
