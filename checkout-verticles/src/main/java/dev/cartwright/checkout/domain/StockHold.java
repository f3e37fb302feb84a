package dev.cartwright.checkout.domain;

import java.time.Instant;
import java.util.Objects;

/** Stock the warehouse holds for a checkout under {@code reservationId}, until {@code expiresAt}. */
public record StockHold(String reservationId, Instant expiresAt) {

    public StockHold {
        Objects.requireNonNull(reservationId, "reservationId");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
