package dev.cartwright.pricing;

import java.time.Instant;
import java.util.Objects;

/** When a promotion may be used: from {@code from} (inclusive) until {@code until} (exclusive). */
public record ValidityWindow(Instant from, Instant until) {

    private static final ValidityWindow ALWAYS = new ValidityWindow(Instant.MIN, Instant.MAX);

    public ValidityWindow {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(until, "until");
        if (!from.isBefore(until)) {
            throw new IllegalArgumentException("validity window must end after it starts: " + from + " .. " + until);
        }
    }

    public static ValidityWindow always() {
        return ALWAYS;
    }

    public static ValidityWindow between(Instant from, Instant until) {
        return new ValidityWindow(from, until);
    }

    public boolean notYetStartedAt(Instant now) {
        return now.isBefore(from);
    }

    public boolean endedAt(Instant now) {
        return !now.isBefore(until);
    }
}
