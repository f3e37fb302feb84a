package dev.cartwright.returns.store;

import dev.cartwright.returns.domain.Resolution;
import dev.cartwright.returns.domain.ReturnStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A return request with everything that belongs to it, as read in one go from return_db. */
public record StoredReturn(String returnId, String orderId, String customerId, ReturnStatus status, Resolution resolution,
                           String rejectionReason, String note, String currency, long refundEstimate, long version,
                                   Instant createdAt, Instant updatedAt,
                           List<StoredItem> items, Optional<StoredRefund> refund, Optional<ReturnLabel> label,
                           List<StatusChange> history) {

    public StoredReturn {
        items = List.copyOf(items);
        history = List.copyOf(history);
    }

    public Optional<StoredItem> item(String orderItemId) {
        return items.stream().filter(i -> i.orderItemId().equals(orderItemId)).findFirst();
    }
}
