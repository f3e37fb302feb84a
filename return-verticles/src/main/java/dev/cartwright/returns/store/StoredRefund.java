package dev.cartwright.returns.store;

import dev.cartwright.returns.domain.Resolution;
import java.time.Instant;
import java.util.Optional;

/**
 * How a return is settled, as stored: money back, store credit or an exchange, pending until the neighbour confirmed
 * it (with the last error and the attempts so far while it is retried).
 *
 * @param status "pending", "completed" or "failed"
 */
public record StoredRefund(String refundId, String returnId, String orderId, Resolution kind, String status, long amount, long shipping,
                           String currency, String idempotencyKey, String paymentRefundId, String exchangeOrderId, int attempts,
                           String lastError, Optional<Instant> nextAttemptAt, Instant createdAt, Optional<Instant> completedAt) {

    public static final String PENDING = "pending";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";

    public boolean pending() {
        return PENDING.equals(status);
    }
}
